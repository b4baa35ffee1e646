"""Static files with content hashes in their names, gzip and Brotli copies, for WhiteNoise."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticStorage(CompressedManifestStaticFilesStorage):
    # A stylesheet missing from the manifest is served under its plain name (and 404s) rather
    # than failing every page that links to it.
    manifest_strict = False
