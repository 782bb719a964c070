analyze tests/cli/data/trend.csv --score nps --lang en --no-default-codebook --codebook tests/cli/data/mini.codebook --date date --period fortnight
