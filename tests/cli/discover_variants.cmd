discover tests/golden/discover/variants.csv --score nps --score-type nps --no-default-codebook --codebook tests/cli/data/mini.codebook -q --min-support 2 --top 6 --examples 1 --min-ratio 0
