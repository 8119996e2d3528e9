"""``python -m syndicate.config --reference > docs/reference/settings.md``."""

import sys

from syndicate.config.reference import REFERENCE, reference

if sys.argv[1:] != ["--reference"]:
    sys.exit(f"usage: python -m syndicate.config --reference > {REFERENCE}")
sys.stdout.write(reference())
