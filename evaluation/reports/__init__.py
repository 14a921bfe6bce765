"""The documents the office circulates after a month is published: the bulletin (月度考评通报)
and each agency's feedback letter (考评结果反馈单), as a content model built from one
publication (`content`, `letter`), its charts (`charts`) and its PDF and Word renderings
(`pdf`, `docx`)."""
