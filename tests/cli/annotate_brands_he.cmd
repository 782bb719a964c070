annotate tests/cli/data/he_brands.csv --lang he --no-default-codebook --brands tests/cli/data/he.brands --redact -q
