analyze tests/cli/data/small.csv --score nps --score-type nps --lang en --no-default-codebook --codebook tests/cli/data/evil.codebook --format csv -q
