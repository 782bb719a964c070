codebook check tests/cli/data/he.brands -q
