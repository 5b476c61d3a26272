"""Problem banks: loading and validating YAML banks, the catalogue, CAS operations,
the named solvers and the independent verifiers of answer keys."""
