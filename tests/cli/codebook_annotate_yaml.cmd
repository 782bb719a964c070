annotate --input-format txt --lang en -q --no-default-codebook --codebook en:tests/golden/codebooks/cx.yml tests/golden/codebooks/sentences.txt
