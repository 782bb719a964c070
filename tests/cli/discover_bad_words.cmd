discover tests/golden/discover/feedback.csv --max-words 5 --no-default-codebook --codebook tests/cli/data/mini.codebook -q
