"""Pykspa (Pykse, Skyper, SkypeBot): the Skype worm's two DGAs.

The *improved* DGA (since late 2013) runs twice with different seeds: seed
set 1 changes every 20 days and holds the real C2 names, seed set 2 changes
daily and only adds noise, yet both are queried by every infected host.  The
seeds come from a routine in the sample that nobody re-implemented; they are
the per-period values J. Bader extracted (set 1 for 2007-2029, set 2 for
2013-02-28..2020-02-29), so the noise set is empty outside that span.

The *precursor* DGA (found in 2015, probably older) squares a 32-bit state
seeded with the Unix time // 172800 (two days) and draws 5000 names from it;
Bader calls it faulty because its label routine shifts most of the state
away, so many periods share names.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import numpy as np

from dnsguard.dga.families.base import (
    FamilyInfo,
    GeneratorError,
    check_day,
    check_variant,
    unique,
)

_M32 = 0xFFFFFFFF
_IMPROVED_NAMES = 200  # real set: the count the public analyses generate
_NOISE_NAMES = 500  # noise set: a 2015 capture queried draws up to #249
_PRECURSOR_NAMES = 5000
_IMPROVED_TLDS = ("com", "net", "org", "info")  # the sample's list ends in "cc", never drawn
_PRECURSOR_TLDS = ("biz", "com", "net", "org", "info", "cc")
# (first period number, days per period) of the two seed tables below.
_SET1_FIRST, _SET1_DAYS = 693, 20
_SET2_FIRST, _SET2_DAYS = 15764, 1

INFO = FamilyInfo(
    name="pykspa",
    aliases=("Pykspa", "Pykse", "Skyper", "SkypeBot"),
    malpedia="win.pykspa",
    variants=("improved", "precursor"),
    seeds={"improved": ("1", "2"), "precursor": ()},
    tlds=("com", "net", "org", "info", "biz", "cc"),
    names_per_period=_IMPROVED_NAMES,
    period="day",
    active=(dt.date(2013, 10, 1), None),
    threat="botnet",
    seed_required=False,
    references=(
        "J. Bader, 'The DGA of Pykspa' (johannesbader.ch, 2015; seeds updated 2020)",
        "J. Bader, 'The Faulty Precursor of Pykspa's DGA' (johannesbader.ch, 2015)",
        "Akamai, 'Pykspa v2 DGA Updated to Become Selective' (2019)",
        "Malpedia win.pykspa",
    ),
    notes=(
        "Improved: seed '1' = 20-day real set (200 names, the count the public "
        "analyses generate), seed '2' = daily noise set (500 names: the sample picks "
        "noise draws at random; Bader's 2015-02-16 capture reached draw #249). That "
        "capture's noise names belong to the published seed of the *next* day, so "
        "the noise set of a day is taken from both that day's and the next day's "
        "seed. Set-2 seeds are only known for 2013-02-28..2020-02-29, set-1 seeds "
        "for 2007-12..2029-12; outside them the variant yields nothing. Akamai "
        "(2019) saw hosts query only a subset of the improved names. Precursor: "
        "5000 draws per two days. Periods count from the Unix "
        "epoch in UTC."
    ),
)

# Seeds per period, from period number _SET1_FIRST / _SET2_FIRST on (hex).
_SET1_SEEDS = """
94983406 6f0cfc2e bd4a2302 5131f2cf 31d644b0 bab2c054 2469ee6e 6a1c351e 3135ce1d f99efeae
5430f91c dc1392bc 93390b80 c9746ee3 d48900a9 3ef79888 88c34c19 fb6fe262 3d4b2411 bf481ce1
cc9f0052 c45fcc3e ca14fd7e 759aa9f6 dce9caa9 5895da44 20ee7532 548c1ea2 4fe4a292 610d6ea1
f9ac7ff8 63c47e4d 4017fdda e842d5d4 126ff16c 84265203 d809ee9c 683162a8 8f7f893 b8b90619
1922992c 7bff38fd 50e01881 3b19f587 229e3f85 95baec8d ebd2d955 b0010e27 de74dc4e 5323e473
b3781a94 8b223fb2 95d8ec2e 1ee8d081 a32943ee 1d05b1f8 ac0f1d7e 4d86a689 2e53eda8 3a4ee0f0
3f22fb7d 44cd0e76 fbd16c1b 617ff6de 7c9b9869 c61cb625 85e1648a e204d060 a9794604 9b287b7f
628d2d8b 83189d9d 4060a3a 5c45e2d7 be1bd431 6e212133 39ce5b0d 1066a305 2c05905a d3178707
40a52944 a92f0842 c9894c6f ce6b0ec 2a09d5d6 aeabbeff 8161819d a42c9586 e39e323d ef4639a3
8df71893 10717eca 48afee6b 211b17a2 dbfcfe79 e5ebf0f4 b8db8369 99cdabae 7ece8695 e13fdc77
fa97a7fc a03cbcc5 c3b417c3 b59ec401 51212123 f4e5059b 7a97a6d0 7f0c8710 4230a720 a3ec7a8e
4ae6a802 3896367b 6a2c8eb2 f96bf2a5 fcef457e dd370744 a1c5400f 9d0d436c 7bb24638 a6b042c
f34c4850 f2509f0b f0978d0e 44dd4e5f aac6d7f6 f26296b1 c950cbfe 41de3ee2 f085a446 ffc222d4
f3fc72bb 2ff654d0 54d64257 ec343337 ccd10407 91f7e71c 5cea1d7a b6fcd7ef 7c562f77 4936d2db
b8b2c9e1 31b275c5 a13852 6f4f5a0 90864d97 225a3e31 f400ac9c 1f5c0eed 484515a0 2fe28339
d989adb6 890165ef cf84a4c0 845d2318 6f3b5c78 e85fd87c a7a19f23 ff32dd4d c7258faa 81e244b0
a32631d 1639faca b63de100 4873592c a8b65c27 7f4d798d 84df9a88 f003c876 2daf57c6 d3903865
48f81d64 9057a789 2b10b766 ae7fbcc0 d8fcb1a8 67d27aaa 8e83d741 14b1a004 5691a075 ff34edc2
5e1edb73 e1d199d4 21f70f1e c62faaf0 553976a b731f019 91b1dc6 89ff66c d53fd425 a5902a95
a20de3f7 ed3e5479 529c724c 97e36787 e500ee19 717069b2 979b3fd2 134e01f6 987d46e5 f4588d9f
aa655d46 8ac40fe6 2193fd3d a9a150c6 3fe51cb9 15140aae 6d2b6dfa 5595b2ff 3ce3a1ba 402b7a69
37d2c9c 9d7d7683 151a9be1 7bcb7851 f50e7715 d7d87ded 64b18788 2cdd236e d72c474f 8fd0f7b6
ebfe7f4c 4c243327 75dda2c0 8b15ca87 a0cc4c19 e20313b5 e250d8b1 ca26e711 f947ddd6 ebde497
1931bfd 58f9bdf d2ceb06e 430ae0d1 a113a313 1f783f4c 397dde74 66b0980a a77ce6b2 8a197146
4aced9dc eb9b04aa c779e38f 9bd5d765 7eef8aa0 2579b794 fec0329d 17932419 afe2130f 7dd75f09
1582220e 910d05a 721a46c7 35730f66 6569d9e0 d1fec2f3 2b06e0ce da6276d9 1713e567 77925009
967597cc 16d458ed 6a169ba8 97131d79 be80fe78 98319213 61447a2d 308c251e bfd912 db93dbd
e358a3be 295f2ae5 f7c66bcd c926d51d 15f380be 4b8b233c acc1d7be 29235c52 484f8f28 4f2d8c54
89bb6263 8e1ae61e e5882c36 25684a38 c9884688 9d11da2b c759b18a 817dc0aa c299807b b2a7d471
35b68c42 70cb0ebb f844ae19 2932c6c5 79da1c8 471dd933 cae76097 ec29fc76 998716d3 1a8a5a62
a2944d1 9a7a6bc6 61dff949 c20523f5 fa2f8be7 1b60f37b 2624c2f3 e0b3aa6c 1939c025 8047ebd7
3a1cf598 d6223325 b88826e8 10e5ca9 fa622f9e d6b7994d f876b595 43b2f34a 7436f7d5 5d4d8860
94c3ef45 30d815fc 3d15e782 663fa0bd a8e45aaf 72757c32 4497d300 ec12968f a41ebcd4 42226a74
68990cd9 44c445fb f9891019 79c17f72 55bde7fe eff72046 b8a933ce 5b4c97a7 138e4562 4220d915
da9f9f22 36cf15b0 89cf7ca1 ded701d5 1b292316 46505108 f282e978 9f1ffb6b 163ab402 addf9ee0
25f277dc 45dbf238 3ac4224 35cdb394 f1b31833 f7acdde6 3d4e4e1f 9b98c9cf fc7d59a4 f5d032ed
12876d9d 4b8865b1 7b7d2596 ea2bcb8d f8caa53f 7a23cf99 7d92ee00 dc2322ca fee7d585 ccc9ab80
7d2be8cd 11d65e5e 8fdffd28 ffea8670 3963ad0c 2e7c66a4 e1df793a af16fe9e 44dbff43 1872acbd
6ff5b5b1 b908a4c9 ec1b9089 7449d0d3 cf18b834 bcf7031a 50d87adb c8d5f1f5 89752a99 2b967db1
239fd7fa cf718e07 dede4f5a e2314877 f7c597d4 48225c62 cab12a5a 6c913fdc 230b6941 8f2a7fc0
7787ab78 f071a2f9 113780ae
"""

_SET2_SEEDS = """
1951a550 b603236f 955b2a55 2bb561a2 b6c30d1c aa060c66 507f8401 a5b3f526 ed990ff3 a17c1661
8a04cf1f a80a527 68bef435 f83d84e4 8817431a e2960f5 a2ba2c9c 1c9be749 c653123f eb4406dc
49dbd979 f788173d d662214e 9d09198b b55fce96 d61a84b f5c6d127 fbd56cba 25099ca0 8a638330
6e7d36d 4d770faf 99850829 c75c5e4 bcfe18f0 d091a4c8 e02d677c 35dfec8 689e720e 18a8ddb6
caf99afc 23cbb73 8186e387 29047ae 8833955f 4822a5f8 f4089f25 a2607a26 514ce77a 94b4daed
4c4279a9 6e8b584d 61173fdb ddd4f793 a3b356d9 318e3a01 a32edef0 6cc8fc1f 6fc5c114 43d7da7b
a8032eb4 5a427c1f cc31f48f 4d2f51df 751fdfc9 ecc1e575 46d410fa 18925e52 288324ff 3e7a2c4e
89520659 2cd875e 73199267 cfa7675d 12ab9b39 cec5cd4 bd75f82c 89a134f5 d86e773b cbb1d49e
a5eacec5 b432a17e 41b35170 3fc26671 8c880442 ee24b6e1 47c10f4d f85d6d91 aa4ad485 6d0bf951
55bd2e4 8e4af141 37f13d6f 6f0591f2 2d5ad245 64265c77 89b2808d 5732a0cf c941a28c f2084e36
19287074 b275619c 526f886a d808c7dd 7bf0cdcf 96d66ee7 bb4bbdeb a0ba860e 9f77efdd 669267f7
828de101 4db54cd3 b9378e0a ef36f910 633f6511 3550e744 ba2e047d 20aa2a87 bd6526d7 28d2e505
1aa1deab 6c7dc6c0 cc4e5580 41b3a2f4 edf95b0e a3a3b582 8655a0e3 c4969761 2c8b9f03 216ff224
63da92a8 7af81a90 d8c62627 11e03b6b 102eb929 6ee4d8c1 3df5e19e ecfc8ef9 91798c54 d61f8049
dad45444 d78f15e9 46c16aab e0cf2674 be8fb3e9 bbe6acc7 f7056f07 543a9eb6 41adb8c1 29c11add
12bc3971 58000b62 de50f407 b9e87f 7e388d87 ff328385 7859e9e d115ea95 959d0 c5ed6583
5f7c7b07 b36d7be2 5c486ce1 d6506234 561099b5 a0586c4c 9d944bd4 281e59ae f8f9dbd0 4e485235
47e06cc5 f5f1c823 57c612c7 29a65489 995be7fa 9f80414c b00db89 dfbf06ae f539a287 6a35c6ca
3f44284d b7b4e03d dbb13eb5 2b0d7c79 1c80fcb5 620bf465 e596e268 538f1f9 9ecc609c 9c2cf519
85e614fe 509a3b25 1111abe9 f6487d09 c549c073 16e3bd12 39e1cac 647cb3db 61b49da6 b9d0ea18
3fea9cbf aff95883 6832cf86 cd24c92 26848f1d 5fc2b734 576d5d5f ce5115e6 43f5cd03 e71f1d10
301260f6 23c0b6e0 ad57ed2f 3837163e 6be94cee a5c79eb3 ddf419ed b20e370b b7fa6b74 567b7521
d157286e bc2529a8 9ebc4cef e2d804fa 622534f5 e5043f2 e10e9f9 5e419217 ec38f2a3 473b7e2a
fd98b763 5572c414 a4bc4f3b 69f5d54c 23d3436c e4ada8a5 3155d86a 1e5a2f7e a6e24bac 11a83e85
1139fdf2 e2d11e23 a2d18238 b48dd2ec 5053f1a daf52f2a 4909d16 eca4d332 c9459c18 dea513ee
e734c763 bb877bd5 829ca661 a29699f1 56788696 f0ea2671 abb0ad8f 56d73a59 4f114dcc 2b6b5dd3
b143ddb2 31d0d31b 3d4d7396 6f102dea ae800606 6fb157bd 7121fe96 48f916e4 492537b9 670e9bd1
95a2cb2f ff7d287d 2b7f6a2c 199af802 65b86752 b56142d3 85ea782 efb54cd0 21264ecd f448b0da
ef3384a1 c2825230 64c3c336 f8a2bdef d575854 8f4f71a3 fa694fc3 81f82fab 3b47a66d d118b78c
25ba3c44 4e5ac219 e0df3ea1 f0c49dd0 f1e15b38 e02c4b04 e97eeecc 133c5daa de0d9308 31e8a9e8
a6c1be92 adf234fb 36755a3 a348ea87 7a1888f8 6aa76ae8 2678f68a 6f143cad cf0bdf8f 784541cd
c47b0c00 1d40346b f3cc821d 4523bb04 54e14be2 627fdf53 ceabd501 b73c6a7b 5ead4703 6e64e6e5
776ac079 e36ba4b3 262a38de 816b23db 5912f17e d22df58b 2a97a820 527a0888 6c47b41c 1e7ac7bd
de8b49ff ed9c4333 89c103c5 fe40a6dc eb0a1b21 c3999d68 a3f7ed5b 8929220 f7021e13 b635f0b3
da9a923 7d85c8ce c7914dce ef867f6a 87a9f98f 6a162a10 8b9f6ca2 28352da ee5f1f31 271e77bf
54460d97 70ccbb7f db96a2b4 148cb4d8 7bae9e6b b9f198d8 ca09441f b2fa8b 9df8883a feda0e07
4b391916 823407bf 7db6ebb2 ac3c9c37 f938bae e03048d0 7bede69e d33c24ac 6f7cf2e3 bf0b9595
b47c7517 362a3aea d6b39fff 2195db73 1734c063 e06982f1 1cf08f31 41eea5de 1eb87c71 c6adbd94
fb02884f 994e0ca5 9fe94258 bb7d7531 b889a98c f7c9cbe2 801e269 5dc2e0e3 bffd8454 6d76496c
12f27638 2f1f74f0 94bee1b8 bcc0cafa a84cfdd1 97d488be 63579091 b99b0c78 83a5b387 aa6ce066
c2a81dfe 1decd52 69d4a3d4 b63fe4e6 cca9ab10 a0be5815 ca666ad2 84bf5c8a 631d9e88 7282314
54f0fa75 13b8ccc2 5926ea51 65328b2b ee059df6 8446d2a9 3adbd11 aa52464d 6084cb4 4aa52749
cc020e 8f209146 f2c028bb 21a3097 4f632231 ad837ed7 8aec7f91 6c93442c da18402f 80d4bf1c
b520aef3 1e7c0ab9 c401a44c 259a6b5 b854fbee a78a7246 a14d83ac 8adb4e02 f5ecc00e 8cb61199
d3b46011 dff6e84f 746a50cf bb5de721 c2c42fa0 3255aa48 25d86699 dcce61e0 e129a329 d37732b5
683f95a5 5aac3c98 2a45249 a8cfa55a 1a33d1cd 4487ad66 3630333 337664c7 858d94ed ff761858
dacb36ad 31877fa1 f3153407 4e6204da 5c8dac43 807723e8 c3dc4cfa 25155c3f 8acac966 86a21680
d51685ff 16be365f 105eebc5 d5e8d61f 4e29f404 12fb50fd 1369f559 ae36803e 64a1fbae 6f1c8e69
1eb4ee70 4dbb0ac0 d73ec303 8031645 48591fed e06e782d 1be4b943 44e9f0b8 86fe7344 a2365ade
5382ae38 6fa22d9b 6a4ac244 53c86a93 fe66cde ef9545e8 f9ce1dfa 93a70cf9 91ac6513 38250ce8
f6763734 fb5ff3b1 67b298ec 50a76507 1f12ca3e 3d50cc11 52d83a53 8e4fb042 7ec403db 59db2694
6e6d37a1 439cdf24 e8bc3837 c2f44df2 93e752c0 b73688a0 fdfa54ae eab4b206 b4f1c705 c35cb9f0
f4952add 4750d65 c69cfea6 7e91499f 79f27693 8306eb1a c818892 4bcd188a 51bb89f0 bb62860c
6fb6e2e1 ce676beb cb7745c8 895a9f50 8be0c7a 65c2836a edb2fa3d fec6f431 7cf1c045 a1284851
aa2a915c d5394cbb 90853bab 480ebda0 a12c7bd1 28fd8f32 ff7ddc3a f2d1e382 74cb023e cf8a6599
2ad7075a f37b3ff7 ae05d68e 343d48c9 24e2a555 8568050f 3a28cc4b 824b11f6 6a1b33a b522a64
7a0078d2 2f49a766 54149791 bd057891 99cbb676 7d174b74 f4e52e21 8c07f4ef 803c51ef 86831fa8
d560b22e ef033553 7893449f fc5e2ba8 a381bb54 21b54ca9 5c2a8b97 afb6dbfa 9a3b741 ea08d516
ba7faf48 7ad2afb c5354a65 569b655e dbc2cd0c 91fe9734 ef2fa3ff ede07fc4 94cda476 8fb8ab3c
687b04f7 175b1d7 37c3a39d daab908c 47ea5d5 30c2d82d 25a15d4c a384f93a 2078b0e6 78aa988a
ce1809b1 f1a7b0bf 42d8b4 6025dcc5 943b8256 2ef9a981 f94f7e7b 2c80158 80fc8c3 2d30a2b0
6d4d81c7 274ad672 5b2c498d ac28419f 7da4a8eb 3e39120c 2b2f0a90 338f0020 91a270e6 9453ecbd
a5d925bc ed3bd4ec 26832e0d f333eaac c9c79629 2fc157db aa2471b8 ef1514ab 4c94158c e1ec61eb
4c9dfd6e 2e673cd5 f7cbd7b6 555379ca 6120b5c8 7cbbe417 1338a94d 9eca3157 a0e3c076 c725e35e
579f67db f2768312 f38a2030 bf62a940 8c8551b7 7ea3b46c fc29036e edc08b6d 982615e6 65eb5eeb
fd2efa64 8a6d1bef 2b2f4fd0 5fdb8617 d2c88f49 b958c65f 9832c2a0 4608a52f 9ea4f303 788ffe4
b82890d0 bddda1da 8175dff8 812e8d38 49d5360c 14da5430 5c7786d9 e7710e4f 83406441 65b8ce93
b26fa088 621ed4bc e848a980 455db8f7 319e78d6 6b647422 5c53cdeb d689fee1 baa7570a a1234bd1
a8a6f304 4f8e0075 b840cecf 54a512ea f4678323 43fcd931 86badd8c d70822bd f2d6124a 1a992ec5
d14b5bd2 2a168090 68cce459 f35f537 a4d4f18c 5f326496 8c292397 85249bcb 3bb69564 43b84440
ffbb484a 3cfe7b33 dcfa01ca 69ef04b8 ff2aa749 b6639816 b7cf0d63 15614328 4c7073bc af623e37
e02c7d59 ef4b1760 4c2f6cde 1f6d8407 1356a3e9 65cb4c2 ac87fa1 4654f8b2 14f3ca9 4d6e824b
dfec297b a5bf502b c2e3a269 ac037288 599f553c 9449d50d 62f8e29c 2550706e 2f7dcd12 bf282031
65f13c5 b3a8826a 2ee2fdee 255a0411 d6f8e04f cffc48c1 515369d9 9487046 84ef21bd 1a5d677
4df13341 5333b01a e050353f c9215b36 3559d35f 91ee1ac9 b59875a5 a47754ee 5394a2a0 8260ff1f
74492d8b a7a1cbe 16299069 d533685 cf0401f7 7b795fec 2f8d3716 e7d7fd94 424de1e8 efc03bc3
b205f9cb 351c69ff 92760039 bdb1dc20 ddaa4dde fd87b288 94ef008e 40cf5e67 413ca476 bf0e4f36
ff39c5cd 972f70ea 407e139a ee834f00 a70613c1 40625fd 9fc3493c b34bc2a9 df6f0a04 19860f0a
933d2ef3 b33e497d af392f1b d97ec2ad 1465ab66 5c9791a fafadeb2 16f519e8 4da2db0e 15925fed
f2b1eaac d92eb4ba cfbc8fbb 6d96a831 27821530 993d765a 6b2f9156 1ca80c3e 86c4a1a7 cda88210
65bbbd30 16f9dda2 2f1c2a7 b486a46f cc58ec5f bc2d4a4a 7fb3c3d8 713bc306 39272be 7bb60078
b3385d d5acbd0e 6381c955 c85d3a3f c69b6ae b2aee061 bd18c820 fdd45597 d71f4545 8fc4ba38
ccdfcec9 873d2aa3 e74cd685 88f0a2ac 317cce9f 9bd9b620 c51eb9fd 477875dd c78e970f b37f2eda
278e2aca ccca6375 782f26cc 99bb9795 f6ff50ed 25f963f2 20c3cd29 64a1dff2 16febf7a 9d54f283
f6d57627 2e82c869 f016ba01 74b1db08 85081f04 fce22fe4 94e351af 6f06f08e 1873daf3 7ef35b59
cdc246f8 f47b56d 9b2a26ec 1bb92e31 9ff5049f f6c6eeb4 b73f009 5d9edfc3 f1474774 9d5e5468
efc1e695 5aaf0a43 d0099634 679ad4f7 9d252fa4 2030f6f ee81929 b2713ebe e215498f eaf9a7e0
3ff9fbb7 94c8032a 4272d5ab 655bf9f0 9440da46 3efe5e6c 53424a81 477ff9e7 4d10f84f 4071e155
a48a0496 3890e2ba e4e1dbc3 47f96b5 a70f6618 d015d10 631829c9 92ebd407 7ffcf2a0 f6ac0087
7eab1ee6 2e92d3c7 eeaa6cd1 2c5cb8dd ad535110 4c863422 d9f16192 a237700c ade58e7a 2c24cc59
a77cf72b ae00080 7ceeb67f d98c8d4a 12395fb8 1ae5f185 49ed649a b218b0f7 9a2b11a0 5f1a196
5702ef9c c2625d83 c132ec6 e6826c8c dba4749a f21fdf03 7eef5af5 3de3161a 744adc87 34a627fe
eecd8e3f 4f7aefb c55c95aa b94b6b04 8f46425a ab3a3a7e 1cd58351 cde6bcc9 26273a88 7589ec65
5ceb6442 70a1ae9d 36fbc0e9 ac960d01 b17d61d4 35d9b6ab e6371d8c a482fc2a 6b363bf2 70e6df
da38e045 5047c872 f462319d d9f4e240 6594723a 273a17c7 77994e27 bda34801 8c71f936 f42101f8
4ff24040 eade46a0 c6616b19 8efc03cb e408b19a f5094c3 7e4625dd cbf598c0 2d6d556a 47b8568c
c5afb3a1 455c2791 aca7f5c5 6f87ec6b e9e150f2 34a7d409 4bdc4a56 b30c876f 6b087f01 e02e5deb
41368c2a e821ed4c 93f0792a 301a1b49 bf828566 b1be8d1f 9e789489 1d82e033 fda7aace 3d7ece58
1286f9c4 1ae741b2 37d62a0d 93015c92 9967b9d8 a6e92f9b 2d5fd3d1 5c716ef8 bf02116a bcab48f3
cb489e59 5e707a68 a10dd55e 4007a048 aeed3355 1c31472a e74284c0 39e11f09 c209ee28 1809b726
2ac69987 f845194e 44c8fb42 b1fb4fa 985cf3ca 84fe21a5 b194770e c1cb8ed3 822281b3 896410fb
63287281 5c7bb71a db22cf1a 283048da a72db97 96094257 e354b6d8 af8faec5 52aa2bfb d75fedd0
d63b5c6f c45d8722 d5f603ae 19a0eb89 7c305266 2ab7f78e 2e0cefb4 3a54f612 86541ea4 c78a4303
67c561cd 6269f208 c9b80d 7352b241 3f31c7b8 8690ac54 6186378f c96f02fd acf52f72 16149e46
98e2117e 87d2d3be 5f8c11c2 bf05a3fe 91e78864 2edb29cc 21aadb39 5efb4e56 697ab30d d4f2691a
45d1ba5e 6694eb6e a88e31ee 80b0ce8b ca123f77 3b07c4d9 38f07077 37b8c171 ac3cd4ec 7ea0b241
9de82120 51bdf8d4 71c19562 a82ac6ca 39cad234 ff5eae3a 5db98fee c09b893e 388f5166 762379f
446b371f 9ee01828 408b5b32 c7ea5604 70b8946c 562dc7db 93494957 fd54efff 8015bd40 43a83fc8
5e082b1c 87d75ded 6faf7656 fd97b477 eea99615 cfd0cb8b abb62358 a0c8a91f a44a57fc 6c939f3f
d03c6829 5cb99214 8765e962 d74b0bf9 fcb8ce5d 5e528225 bd08e8ec cf543edc 8527b103 4dee645b
da228118 578ed648 a2e723ec 5bcac23c 3eabeef1 661c8466 cfb965a6 de6ebaaf e6d54fc 47d6cf92
d543619f 2a5819d7 3db2b379 95b556f2 8a115b24 99738565 42487cc1 94ebc31c 428b0893 49447bfb
e168bf0b 5966c0ba 18701e5c 6bb8bd84 4c377a7d 4b513fe7 e50ca147 c0f2c061 52eb9c75 c879ccd9
38a01f91 89c5e32f 527df7b2 4910d5d4 c7228dde bf3952a6 6f816a75 2532f369 efcd1f5e a5ef770
6e3cab36 7657fe80 56746b59 d0dc3608 cf9cfc93 dc226add 5ce1387c 92ad7652 de5cd7f6 b9bc2dd1
60a1d5d2 39c0c902 28388559 4071d54d e9b52057 e76c8c65 b6bdd16f 97577475 d39a6857 cd43280c
2a476f0d 2f93de98 307e292d a1427d72 99c41242 abfdabab 1e5a04e3 52c48264 1faceb9a 4257843
277f5853 deddc8d8 c1de1fa6 438464d1 58613ca 595c5e62 b0a10bfe 47348c2e 7d734214 1f7e178d
a63dedfe f58d532 5eb50407 4ab80053 4f22744b 4cebccb8 fc57178e c352acfa c542655f b5d368de
7295dc28 f6530fb5 8f58e4a4 9352c56c d5305e86 d051d1b8 ef56c46d b7c4649b 6ad5f27d 43915100
fb6e56b9 8d00a66b 641001ee b991b124 5db991b2 b1cc0d5f 255a41ca 344728f8 db88e69b 292f4e4c
b3cd796d a9d1d0b1 172932da b81020c 863425ab 26129ce9 5253bf0e 78cc9f1e f4bf0cd 3b87df8
530871b9 93d1213 866e7b58 9689d5f1 5d268df 10f029a9 51bd7b94 761fbfdb 4c0a28f6 ae5d92c4
622cf3ac f1f1326b c97709c3 e988d00a aba7d566 f56224fc a0aa0af4 f052fe26 11c70b46 5c1902d6
512ab309 fb06eddd a8e8c887 9bdf7a9a 3a210372 b40b0504 c7acfc13 62b1fedb a89f0424 214507d6
73d7ae1d d6a4b6ac 3581e29e 664d79fe 1bf0dfc7 bef0904f ff7d5461 b1ee476f c16ce704 74fd9aea
37f49934 10c34b64 4bc68435 5c0d9802 18230ddc 6c9560c7 9f276801 6e082b8a 95755f91 638c3692
930942ce df07d3a0 69cad921 56283b82 9eaa9294 217a3f72 4a76fa39 d7b1ef3 86619d7a b0887bd
143af6ea 50c2cc07 dcf85982 e1db3dbc 23f928e0 c83da9d5 d20292b5 8b3bbff6 33e695fa 1c2cca16
2c940970 901dcaa 68e9447c 2e35dfd 86cc70fd b9588dde df6e107a 42dc68d6 511af924 296745da
116efc6 205f4844 ffe782a7 47fbae6f 7119ace7 14067e45 11ccee90 4691ef74 7955c76c 93194b7e
7c485e91 7fc490f4 18dafc29 4b54742b be884235 d4e21d0a bae6a972 8661ee53 e36c5ad0 8d2e2bdd
a413a01 44bf787 4e291386 e17786d7 9a875717 e486667d 8452b2c9 1c59dac5 8b216e7c 5c2e0b23
91c2d5bb 18295778 ef05b5fc 9cf3a9dd 8fdf20c 862eb739 22ce8689 b086e177 d0d8ed25 414ddbc7
44e5204c 97a2d6b4 f7ca826c 1dd04de8 b3f9fa1e 329de6ef 93d57ad4 b3f2c08b f95171b2 c37da48e
7d7ef80e 6f3dee64 552682a7 3969474f d56c0bcf fafa5549 4e059cab 58db3733 f1f6c54e eda4c1dc
477349e3 156e58f9 a903f3bc 567c883a 628e3964 91b4ca4e e7061ffb d1a3d0f1 9371d3c5 a278d0b0
2aaf8565 5be551b7 6581d303 2c971958 196d6212 ec221ef0 301fb291 38ed80fe 41ada999 bdcfdf6a
bb53ddab 807aa016 38014914 e3be6a06 17f2c3c1 4d288828 97ddc832 975ac979 678d3863 58baac95
d2095773 a784d795 6f5573c7 2fa03237 aa1ac596 f7479e9f 1e7df7ed 8879499e fbd425ae 227b4ef6
7c093210 2c070779 f274da98 24b1a4cd c72a8f2f 82b62bb5 5e3f6d02 93386a30 f493464d dc43b7a6
9286fb3 2e4d52c6 320239f6 b1e79c69 bf60746a fa79eb07 3bc29f87 1d61afee f1a6a01 d234c4d8
81615172 ad1eabb5 703a5f76 211761ea 2e670dd8 46fcf537 28c737cc 9be2295e 595e39e7 f02287c5
e5cc2e54 7da6bea2 ecbcf857 638570d2 67d24ada b050b966 1a491773 f5495a45 9d799848 8e391cf9
1cb8ac8b 11522068 1d57e9b5 1e7c728b ba87fd53 749c9689 264868ee 2cf31b4e 3d112f5d 6abec48e
1b03ed3c 71c4ce1e 974fc3d9 4637ad0e 6096a82d 41d9dd6a ab8d5773 cb719c23 3b99a886 e0c146b3
796ce786 2060b5 e0dff141 4d1f501f 23074d9b c3fee896 682fafe3 7a402254 39a1b2fa 7f53e2c1
48731102 c67aaebc e89c9957 f70ea504 8ea70d06 f22caea6 1d737a0b 8e7f2dcb 6bc34ee9 d972b81a
62803ce2 d7af982a e310b66a 735b1ee1 676e2628 be519249 d080f7a1 b62cef30 1af969fc b017fc4d
343f2b8e f4bc8f82 1e0b7b31 9a618af5 9793ab9f a5d9d80d a5e25d28 5ea148fb ce85a779 fad78524
ef10912d 4c4f7bd6 48840801 353b676b 9ba3dacc d9ed393e 63ce9bf7 a20eb52e a638dd33 2acc36f7
e77260b8 cd20e410 36fa46ed 74148a40 134fd04b 72de157a 6a209ce7 4ec199b4 853c1a64 5dc9a143
3ceb0bcc a9763587 d5e43db3 eddc0e2 fa1efc3c ff36ed13 3f8c0a8e a8263fc1 587424ad a3abab6c
77abbda3 6af277c8 f8ca4d38 229716c1 e34673a0 368dfff7 c8db0329 d5e21199 c1f9d9d1 5a4a3853
5a8dd839 3585b77d 1159cc36 aee9550c 916361f2 382e8bae aee1637c 5fe5ec05 9c5cb7b d381b93e
434a1cf5 808e158d 95aebc82 c1fed2fe bf17308 5ca3ab2d fbb5d18f 3752cf9a 31142227 e96c1b93
62a97430 46fc4c0c 131d9410 c460ad11 781c0404 c9c4811 d48f5a84 648cc0c9 dda813a7 ce62f5fb
dbc8140e 958b75f1 63a40cb d366f14b e3c8c580 3df6625f b0f52087 127a002d 8f4fb8b5 a641f0da
97d82567 f202f3ab c5725586 34762dda 2d70323b 4a360c67 9b1cb3f9 897caae6 d8251a34 48aee5af
147a8336 a23f7399 1a6cdaea b857425d 6b40049 b7de2b9a dc854d66 b3269dc9 14d9167a 53779c29
c9dd163e ce5fea50 8170f4ce 1329a7bf f085f6a5 e3b2c8b1 6437afd5 bc4a5a5d 5207fb19 355a2463
368b0ca5 ed115244 c3255baf 980ca699 807166f3 420360df 9129ffcb a7e33a17 68a835c2 8f4d2af2
c25755 c0090347 b412f48e 964e1b32 2146d2fb 7697b9f2 3f07c0cd aef89b12 64c4716d 720be048
c0e869d6 b629fa8f 3d81d6f6 8ed48e73 7a5c05c0 1046fc54 4873b011 3e5a0820 b6362724 61ad4e2e
70d82269 52e4ff0b ac917e56 4025c036 2d872e99 bec5e4a9 a7fbf25e 4cb258e7 33a7bfe6 fef5c04e
14a605c5 b9ef3eb4 ce2437a5 c4c0fda6 d994ca1a b2ba49d2 21af23d6 d778ed08 20f7fb09 ed79f6d7
3f7bb0f c0c2e44b 8671d500 be7c1176 c1b5670d 557c45c3 ce43aebc d0b63bb 81db1181 445ddd34
2bc205ef e153ee2e 50caf6ff 11cdc959 6fabc95d 677afc35 da3a8f51 2c868291 575c3183 36800c7f
c15fb5a8 985397b2 8201bb29 4fc62308 ca7d7a03 d6d0daa 549508ad 65a9bd7 fba20743 1b2e823e
652564e0 fcfb83e4 5e6e4ad8 68132ebe 8804974 dcb9ba6f 875d6978 ecf06574 ef510708 2c809cde
67a48e7d 4b99867a 1e49fd3b 3f4b528c 3d885356 6fbea6bf cfe247a9 799f3314 660dcedd 40b332e4
3e8b3dc5 910ded4a 60ce5e10 107df8 21df54db 7354ae36 aec58bb3 a0479c06 15516c0b 62a0afbd
cd097df4 d3ceccd3 535342d8 10789a13 7b9651aa d0e2b909 95cf15c 21fc755b 3df751a8 6647cb9b
86a8359d 51f2d412 25166d64 2d41a85f 349c0f58 8bffe25d 9588d8cd d52e0076 bfad8027 da89f7f1
c6cdb59f 2fe9096 7b3f89ed 55572fd7 82239bae 64c0adea 51d39735 58e78c44 bc6d6a3c d08c2ba6
dedfec96 9053fd42 4c3bb531 202fc0c9 4a107daf 2826bc14 8df4100e 3db33297 d3eda4a4 e4f84754
2b6d2ad1 b3928d01 1a68dae7 f3bad389 77b4c03c 7da37d89 59298292 4814a25d bb3df702 6756ebf6
b31343cf 15dc5565 a96c2dbe 2d5d395f 1072a092 e43af714 8c77e2cc 4384f6d7 34ba8539 79976245
cd37bf5a 71354661 9f7e6967 db08a6ba e75c29a8 1e5fd606 376d33ad 34506629 452c0746 3643d899
f767f18f 361ccb3b f420757d d42b0d28 1cda48e5 cf701d7e 500850a1 54edb1d7 a148477f be47e9c0
46d93948 8fe90c32 b2c28cdd 15889158 9abaee47 a95e54ee 38d18aff f2477fb 388ddbd2 f589f8e9
d6b97fe1 2c50914f f9cff2ff 9943dd93 ca683bd fe672d99 4e3a24eb 738c50a2 b9ceeff9 91f0ea9a
27d71408 c9caa471 3e317ad7 ac6c41b3 260ecbb4 63f8d56d dee13265 8e03d67 9022ae1d 185a0827
affd31e6 6ff5be14 7370918e 9628e115 bd8f7664 7d62ac8a e4612da5 91fe9c24 76fc8421 6e952511
ec4f6e1e 77e23840 601c7cd9 31342977 603149ef b923d061 a202307d 9419dfa9 130ec9d1 6ba0e5e8
390dedbd 709f5fbf 9254ade1 5460c12b 4c4c885e 6ee9122a 42c3004d 43866ed2 2b8cf562 33405712
6fc4e1ce 435b38c2 c6e1aaa 321bc458 fd89d117 ac097b34 6f89ed93 e94ddc83 9e0ee363 3382b7ac
56e1dbd8 c48807bf 1684520d 6291bfe6 aa6e6730 1688052f deb602e 1a60bdb9 cf60d193 f51ba0a1
3055f175 8d1e1f3c d6eab34c 16680369 e8096100 8a9b93ae 58868c64 35c206cb 49ec4cfe 6ad8a5ff
9f6c1070 419fa213 ab91e37a 4fb2dd38 6726027d 170865ea 8c7dfc39 ab554321 f1dad76b 2cbf8191
15f4196 cbeed81d 8fce3afa f6a7eb5d 8ac3686 f76ba4de aa84118 99489ede 4e1f32b c202a177
cf3f9587 334ce7cc ba7f3fe7 e4e4978b 4f1eca07 9d156253 37e0e0d1 8e0067f 2febd642 d0ab29be
c8fa82f3 85e256a8 7e6c5b56 18093841 5a7217bc 63f037f5 7fd02ca8 5b6615da 4f2bfac5 35a2f2b2
44d0613d ce147b49 e90ac8aa 61803a8e 5f072bca 1ed8fedb 56831f09 76eca0db 9686fd46 adc0253b
280ce262 f34322b3 35ca6db3 4089ffe0 ce604df0 3ba37a33 a596b3c6 9eca825e 445f7aaa 7ff9185b
42acf366 72df23e0 48500819 79f773a1 2648f175 22db52f1 ba8a7177 845f2718 949a83dd d48597db
50b6fb23 901f8a73 f675a10d 36e2011f 35a80a04 1d1dc87a 6c0ae41f 1329e7b7 36efc3b5 6ac8ae6c
8b6c8b20 f046f7ca 388b586e 8d9b941 aafaee3a 84ad3001 ec398903 b2aef7cb 1fb9ac3e 1f4c5b10
bae38186 567c5cdd 997c9d7e 77a9615a e486fb0f 17639e79 70563aa1 295001c1 e6fe86cf 2334eb70
23030295 4185c876 d70b9de7 e484a32 3da5f0d3 a703f320 5e50b9a4 b9cf176b 4d7fff00 9a8e74bd
aee6969e b8b6ebbd 2c5c7072 9d9faef9 f5158b60 87caf2ed fa16b881 8d5d95ab a071f528 8c020fb8
76082b0c 54c374d8 9f824250 86eabca5 38b015f0 296ba68f f4d21889 75f260bc fc372e08 b4f4323b
61f87e45 d8ab5cee 59896eae 683d5087 6d180a6d 7097f782 2f5b4554 89a5c68 4b9878ba 4ebaf6a1
e5bc7c35 f38eb27c d75dc416 e693c277 6205fbbd 8678bf84 11adf4d0 a5947559 6fa05f62 57b55d98
1fbd0a27 c1960214 a2b2515f 826d38f8 385dec8a 8dd0ffa7 7501ac6f 88759fb4 a6c47f6f 79eb1e69
88be76b0 c4d53ed4 3d646904 749cf170 5e62f251 58bf95fa 4d3cb62 6f4b94c9 59bc6f14 93196ab5
a5a79474 1dbdb183 a0ab7f45 fcc7a5b6 cd906ed3 9dfa371f 2a12a93c c4701655 46165e9c c8e3c67
da858945 2eb8d8c8 86aa7d6d 3e82ff21 413b3a08 b9b1c968 d92d3cee 4720040c 356ec432 ebe494a6
cdbb9510 c41893a 109660a5 42ac0eb1 cf9dcf36 f73dcb8b 7d39e71c 66d18b9c bd55aafd 78b6da0c
526ebc6f 7bd5a9be 5e34e056 186c4713 1372d2a7 5489c4ce 3de83161 a93a8d64 3446cd3 9cdece90
4d8b595c ebca42d9 4fa45539 fd8ba63d ea3d9a34 4d66327b 5783a2fb 43111f08 4be0ac53 9e547ca9
1f1def30 bbb54b7e c83bf8fa 70fac08e 18b1bac6 e4224c24 634afa9d e318404f fe7db4c3 7a070742
85207ab 230a9513 fcbe0f9e 7c757853 d6d57a14 fb0ba0fa e139f3cd f70951d6 50d3094b 495584ff
6442ee18 fb1149c5 7cee2c5a 3411f50d 1afc82cb 7937b864 d99d5be0 170d1222 ba11f24 781ac16b
cacd14d8 df47c094 12bce1ae cbd86b0f 4843e02e 730a8bc3 471403c7 10a169e9 139050f7 4930b31f
a80ed813 df5d597e 8101fdcb fefd6472 a3f59441 b67b8121 4b96a42d 8f33723e ad1f0958 462582b3
dcf34048 d72b13d1 22465134 3b7f12d2 aaeef697 257a6a79 9633f8af 8475e294 ad75dc80 a449595
eb809b2a e0b278e6 44bc3666 2b66ab36 55fdc177 34854c34 ec322b54 375dd578 cd787eb2 c13fba56
d9226fdc 61bd3fe2 eeb493d1 82b6b1d2 728aae66 ee0f71dd b69530f9 e7a77435 3372e0ca 7a0fcff
ba8bb869 20bafb96 cc8315e1 c98b98a3 161c4e64 9ff1efb0 d06c8923 3cbb7c6e d7a61d52 794b5ac
fb1324ed c7895499 939dc0d 731e7a75 a87ecc95 bdf675fb da4d60f8 22e8d581 7fd041ce 54d0c3d2
39c041f5 6e15bc59 1c8c29c7 f2d5b307 7e95d55e d12d665b 23c6a6b8 e52caaeb 923d158d 76e6e333
30cc4533 2ff38d0 7eaeb3ea 96073e82 670672e1 2d504471 d4f20411 7074da5f d180e5b1 9b8a2d4b
c27d281b feac317a c28d8ee4 8cceab61 a1716fdd 4bb968e0 3caa5b66 e24db2e5 7ab21dbc 422e896e
adf069f0 c35e12a8 f156f777 60a6779b 3c076c39 4499b176 77ade418 3ee0d28f 91bd071 a66ac9a3
eb31c549 ed0bbec2 b1ed770c be8220ad 95bed1ca 60a38a9b 2f35959b e5135b8b 99dfd65c 8499a6fc
81910c6e 989ee520 1650b141 8db682a3 8efd2a88 a3b0fa83 3ad0b9cb 6b161db2 ed935210 2237834e
4f0a1c00 fde7f086 129c4da0 24f3fdb8 b13f8906 dcc6e704 59de6d68 7d84fcbf ac148360 bb981236
1f463d22 7ca37780 d9b2b65 c66dce4d 619f37dc ff7b12fa 100813eb c8b5faae d19b0b7f b0f7f922
9ee13215 d537992e 8e4d46fa b1c6a62c 9c80da29 cd0f84d8 a19fab60 6098cec9 4a84a6 ec4fd122
71ffbb3f 6010e33f 6376e237 c10af22b 4716affc 3ce5d77c ecb7ae60 2c04520 5738f72 dade68b7
f290d018 124afb5d fbe38026 9a95f51c 8e35da8a 38276af d271388 4079cc02 a4f93249 88911db5
34b4cfbc dbc5d809 f2ef19d6 9e868e3b 488f8bdc cfa247a5 eb528b28 b755debf 22ccb6f9 a8416873
d2301bcf 49a99b65 2a1a3fae 6f37d7ed 4674c450 c62a900d 71c79f4 77611498 df115cae f2a94249
14981880 d46871f3 69c08598 74e25e5a 2eda0952 1a3795c ce2e64b2 f345695 4ae10d00 db07324f
2d18b19a bd562387 aa596226 9df5efda 8d3eabf1 40edde9f a292413c c2ed71b5 b1a38c6e dc74c65f
7a283c7a d71ce946 5a828d3 363d1024 b0a2c1b7 c7531c54 8b11da67 d00592c5 52d05bc8 23d379bd
a1760db6 5e455b91 9db01e50 38f411cc 85c7ee07 dad1b1f9 1bed3fba a9a498ed bae6a572 35e451e
2ac6274a e7d5bd58 8f670abf 35c1fe1c 9d83f16f 17a8d07c fd356995 747cef1b 650f1872 1b6c1479
28a9d0c1 df04bc54 467736b3 2db55f03 7863e5fe 5451579f 6fe44da4 513f8b5f 433d0677 ef6d7c49
761cab12 64761554 d453af67 cd6101a6 d5a1b54e e0d1ef76 2d3d11a8 7e195fc3 e7f80f62 dda3b8c4
e6821f4f 73f7eac3 20c981b7 a978bfe5 4a0fb2ec 5c25b6d4 a70c5ddc 5d6da6c1 47cd32e6 da7aa938
5ddeeb2 25289376 21765eee 51df7698 9505ca85 30dd715a 57363322 5f42739f 2c3b8c6f 128cfc18
5165e6af 4edacc20 4059e34a f2b957f2 73559141 b3b1ea29 2b5d0592 f86fdfe9 80c49514 22c9655c
d6591ce5 8c799dbd f300ac76 e1e841ea 71d313cf b19f00d8 9f813d32 cba18b90 26cc7fe3 42a3d156
8d4fe400 91171e0f 7d1521c6 915e4514 e583e418 7e099878 84f74cd8 5c13e775 8b0e0a52 9af0f462
992e6f1e 6196a9f0 d99d393e 679cbd90 7b272654 9ba991dc a958ec57 80d8a3bb e7dd4299 e71bd185
ef5bb56b cae4dc47 d6d223aa 702e9af9 186ddc41 88d5e273 1900a8d ff7a4578 8ae68ba3 48d33892
6f33998 c6e55bb3 aab0690b ae926763 45952786 c5313503 d22ea929 4b51957d 1406c3ff ce4fbee9
7875c766 929c1b39 3685a09a 4988b8a9 b9a51dc1 c8680833 39575331 f79826a1 37768f12 c243cb6e
36637bec c2316613 d8137faa 1fbc416f 46dd7042 babe6da8 94e2efeb 120b0029 d7c9ca47 e2a31de9
6d43764c d3fb00a9 671efc93 babd5a62 23e5e1c5 2dc0300e 90dcd7a0 ab965166 3768866b b4fe515f
55abb090 edfe6324 6670103b de8a0278 c894f752 42fe5b6e cc169b33 bca07da4 7b137c0d f637270e
929a6d1a 3954543f 7ac61df 1faa32e0 ef330bf2 e4a13772 4776b79d ab999bc8 ef25e4d1 47d01110
d52fef8e e32c0165 1be233fb f83a751d dd6d5e51 81a0456f 3cdf4d55 7908d9e7 a34df632 44c5647e
feec1838 b22a1c10 dad6423 d15bf36d d81f3778 ab9243ca 57c4b8c2 670f9a2b
"""


def _table(text: str) -> tuple[int, ...]:
    return tuple(int(word, 16) for word in text.split())


_SET1 = _table(_SET1_SEEDS)
_SET2 = _table(_SET2_SEEDS)


def _improved_label(length: int, seed: int) -> str:
    """One label; the sample keeps the products in 32 bits."""
    modulo = 541 * length + 4
    a = length * length
    chars = []
    for i in range(length):
        mix = (seed % 5) + (seed % 123456) + i * ((seed & 1) + (seed % 4567))
        chars.append(chr(97 + (a + ((seed * mix) & _M32)) % 26))
        a += length
        seed += (((7837632 * seed * length) & _M32) + 82344) % modulo
    return "".join(chars)


def _improved(seed: int, count: int = _IMPROVED_NAMES) -> list[str]:
    """``count`` names from one table seed, in query order."""
    out = []
    for nr in range(count):
        seed += seed % (nr + 1) + 1
        label = _improved_label((seed + nr) % 7 + 6, seed)
        out.append(f"{label}.{_IMPROVED_TLDS[seed & 3]}")
    return out


def _table_seed(epoch_day: int, table: tuple[int, ...], first: int, days: int) -> int | None:
    """Seed of the period holding ``epoch_day`` (days since 1970-01-01), if published."""
    period = epoch_day // days - first
    return table[period] if 0 <= period < len(table) else None


def _precursor_labels(states: np.ndarray) -> list[str]:
    """Labels for many states at once (numpy lanes; uint64 wraps, so masking
    the low 32 bits reproduces the sample's 32-bit products)."""
    r = states.astype(np.uint64)
    lengths = (r % 10 + 6).astype(np.int64)
    a = lengths * lengths
    width = int(lengths.max())
    chars = np.empty((len(r), width), dtype=np.uint8)
    for i in range(width):
        x = (np.uint64(i) * (r % 4567 + r % 19)) & _M32
        p = (r * (r % 5 + r % 123456 + x)) & _M32
        chars[:, i] = ((a.astype(np.uint64) + p) & _M32) % 26 + 97
        r = ((r + np.uint64(i)) & _M32) >> np.uint64((i * i) & 31)
        a = a + lengths
    rows = chars.tobytes()
    return [rows[k * width : k * width + n].decode("ascii") for k, n in enumerate(lengths.tolist())]


def _precursor(slot: int, count: int = _PRECURSOR_NAMES) -> list[str]:
    """The draws of one two-day slot (days since 1970 // 2), in query order."""
    r = slot
    states = []
    for nr in range(count):
        r = (r * r + nr) & _M32
        states.append(r)
    labels = _precursor_labels(np.array(states, dtype=np.uint64))
    return [f"{label}.{_PRECURSOR_TLDS[st % 6]}" for label, st in zip(labels, states, strict=True)]


@lru_cache(maxsize=8)
def _precursor_slot(slot: int) -> tuple[str, ...]:
    """One two-day slot's names; the forecast asks for both of its days."""
    return tuple(_precursor(slot))


def _parse_seed(seed: str | None, variants: tuple[str, ...]) -> tuple[str, ...]:
    valid = INFO.seeds["improved"]
    if seed is None:
        return valid
    if "improved" not in variants:
        raise GeneratorError("pykspa: the precursor variant takes no seed")
    if seed.strip() not in valid:
        raise GeneratorError(
            f"pykspa: unknown seed set {seed!r}; valid: {', '.join(valid)} "
            "(1 = real C2 set, 2 = noise set)"
        )
    return (seed.strip(),)


def generate(day: dt.date, seed: str | None = None, variant: str | None = None) -> list[str]:
    """Names for ``day`` (UTC): improved set 1, set 2, then the precursor's."""
    day = check_day(day)
    variants = check_variant(INFO, variant)
    sets = _parse_seed(seed, variants)
    out: list[str] = []
    epoch_day = (day - dt.date(1970, 1, 1)).days
    if "improved" in variants:
        if "1" in sets:
            value = _table_seed(epoch_day, _SET1, _SET1_FIRST, _SET1_DAYS)
            out.extend(_improved(value) if value is not None else ())
        if "2" in sets:
            for when in (epoch_day, epoch_day + 1):
                value = _table_seed(when, _SET2, _SET2_FIRST, _SET2_DAYS)
                out.extend(_improved(value, _NOISE_NAMES) if value is not None else ())
    if "precursor" in variants:
        out.extend(_precursor_slot(epoch_day // 2))
    return unique(out)
