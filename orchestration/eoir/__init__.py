"""EOIR immigration-court "Case Data" release: table specs, ingestion into ``raw``, synthetic releases.

- :mod:`orchestration.eoir.release`: table specs and locating files in a folder or zip.
- :mod:`orchestration.eoir.reader`: :func:`load_release` lands a release into ``raw.eoir_*`` tables.
- :mod:`orchestration.eoir.generator`: :func:`generate_release` writes a synthetic release in the real format.
- :mod:`orchestration.eoir.defects`: the stray-tab repair rule shared by reader and generator.
"""
