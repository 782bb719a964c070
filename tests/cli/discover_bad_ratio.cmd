discover tests/golden/discover/feedback.csv --score nps --min-ratio -1 --no-default-codebook --codebook tests/cli/data/mini.codebook -q
