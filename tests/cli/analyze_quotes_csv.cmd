analyze tests/cli/data/trend.csv --score nps --score-type nps --lang en --no-default-codebook --codebook tests/cli/data/mini.codebook --format csv --table quotes -q
