annotate --input-format txt --lang en -q --no-default-codebook --codebook tests/golden/codebooks/cx.dic tests/golden/codebooks/sentences.txt
