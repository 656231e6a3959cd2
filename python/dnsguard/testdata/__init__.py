"""Synthetic traffic with known ground truth, for tests, btests and benchmarks.

:mod:`dnsguard.testdata.office` builds a realistic office capture (benign
hosts that look alarming, infected hosts at realistic rates) with a
per-host truth file.
"""
