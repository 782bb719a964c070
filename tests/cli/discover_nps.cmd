discover tests/golden/discover/feedback.csv --score nps --no-default-codebook --codebook tests/cli/data/mini.codebook -q --min-support 2 --top 15
