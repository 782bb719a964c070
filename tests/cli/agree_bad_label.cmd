agree tests/cli/data/agree_bad.csv --sentiment tone --no-default-codebook --codebook tests/cli/data/mini.codebook -q
