report tests/cli/data/small.csv --score nps --lang en --no-default-codebook --codebook tests/cli/data/mini.codebook --format json
