annotate --input-format txt --lang en --explain -q --no-default-codebook --lexicon en:tests/golden/import/sentida.csv tests/golden/import/sentence.txt
