analyze tests/cli/data/trend.csv --score nps --score csat --score-type nps --score-type csat --lang en --no-default-codebook --codebook tests/cli/data/mini.codebook --format tsv --table scores -q
