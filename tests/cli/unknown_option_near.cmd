analyze corpora/en/survey.csv --scroe nps
