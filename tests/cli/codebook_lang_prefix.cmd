annotate --input-format txt --lang sv -q --no-default-codebook --codebook en:tests/golden/codebooks/cx.yml tests/golden/codebooks/sentences.txt --format tsv
