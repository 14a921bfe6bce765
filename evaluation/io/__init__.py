"""Files people download: score exports and workbooks, every cell formula-safe."""
