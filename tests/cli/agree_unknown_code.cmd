agree tests/cli/data/agree_bad.csv --codes codes --sentiment tone --no-default-codebook --codebook tests/cli/data/mini.codebook -q
