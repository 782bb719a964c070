analyze tests/cli/data/trend.csv --score csat --score effort --lang en --no-default-codebook --codebook tests/cli/data/mini.codebook --format tsv --table scores
