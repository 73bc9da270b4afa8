s = "abcdefgh" * 1000
s * 1000000
