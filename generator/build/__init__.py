"""The build: `paperfeed build`, fast and safe behind small interfaces; `pipeline.build` is the entry point."""
