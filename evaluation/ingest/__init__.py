"""Reading agencies' files: CSV and XLSX to tables of figures."""
