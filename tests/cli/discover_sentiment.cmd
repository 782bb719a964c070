discover tests/golden/discover/feedback.csv --by-sentiment --no-default-codebook --codebook tests/cli/data/mini.codebook -q --min-support 2 --top 10 --format tsv --examples 1
