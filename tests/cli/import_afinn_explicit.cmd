annotate --input-format txt --lang en -q --no-default-codebook --lexicon en:afinn:tests/golden/import/afinn.txt tests/golden/import/sentence.txt
