"""calcdrill's generator: problem banks -> parameterised instances -> documents."""
