"""calcdrill's generator: problem banks -> instances -> worksheets, keys and exports."""
