discover --input-format csv --score nps --score-type nps --no-default-codebook --codebook tests/cli/data/mini.codebook -q --min-support 2 --top 5 --format tsv
