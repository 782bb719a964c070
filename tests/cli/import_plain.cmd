annotate --input-format txt --lang en --explain -q --no-default-codebook --lexicon en:tests/golden/import/plain.tsv tests/golden/import/sentence.txt
