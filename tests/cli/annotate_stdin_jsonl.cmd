annotate --lang en --no-default-codebook --codebook tests/cli/data/mini.codebook -q
