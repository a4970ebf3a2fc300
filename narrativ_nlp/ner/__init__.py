"""The project's own Danish NER model: IOB2 reading, training and scoring."""
