anlyze corpora/en/survey.csv --score nps
