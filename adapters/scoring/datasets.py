"""The GLOBAL datasets, seeded from maintained packages rather than hand-typed lists.
Their version (the packages' versions) is recorded by every cycle they score."""

import functools
import importlib.metadata

import disposable_email_domains

from domain.scoring.datasets import DISPOSABLE_EMAIL_DOMAINS, Datasets


@functools.cache
def global_datasets() -> Datasets:
    version = importlib.metadata.version("disposable-email-domains")
    return Datasets(
        {DISPOSABLE_EMAIL_DOMAINS: frozenset(d.lower() for d in disposable_email_domains.blocklist)},
        f"disposable-email-domains=={version}",
    )
