##! DNSGuard: detect malware talking over DNS.  ``@load`` this directory
##! (or the installed package) to load every part.  See docs/zeek.md.

@load ./public-suffixes
@load ./main
@load ./cluster
@load ./intel
@load ./popular
@load ./nxdomain
@load ./tunnel
@load ./fastflux
@load ./channel
@load ./devices
@load ./prefilter
@load ./scorer
@load ./events
