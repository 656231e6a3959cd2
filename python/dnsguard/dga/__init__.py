"""DGA detection: lexical scoring (``dnsguard.dga.score``) and known generators."""
