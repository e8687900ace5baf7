/**
 * CUP POS messages published by others, byte for byte as published (spaces and line breaks removed),
 * with where they come from and what their authors say each field holds. Data with attribution
 * only: no code was taken from these sources.
 */

/**
 * A 消费 (sale) request with IC data, from the blog post "POS调试8583报文-消费" by MaxWoods,
 * https://blog.csdn.net/MaxWoods/article/details/86490475 (mirrored at
 * https://www.codetd.com/article/5053461). The author's "请求解析" lists, field by field:
 * 消息类型 0200; 位图 702406C020C19A31 = [2,3,4,11,14,22,23,25,26,35,41,42,48,49,52,53,55,59,60,64];
 * 域2 长度16 6224242900000113; 域3 000000; 域4 000000000001; 域11 000403; 域14 2806;
 * 域22 长度4 0710; 域23 长度4 0000; 域25 00; 域26 12 (the mirror's text stops after 域26).
 */
export const MAXWOODS_SALE = `
01 AA 60 00 06 00 00 60 31 00 31 10 03 02 00 70 24 06 C0 20 C1 9A 31 16 62 24 24 29 00
00 01 13 00 00 00 00 00 00 00 00 01 00 04 03 28 06 07 10 00 00 00 12 34 62 24 24 29 00
00 01 13 D2 80 62 01 39 49 03 10 13 31 30 30 30 30 30 31 39 38 35 30 31 30 30 30 38 32
34 31 30 30 30 32 00 01 00 31 35 36 D1 EE F4 19 D0 AE 26 09 26 00 00 00 00 00 00 00 01
39 9F 26 08 95 BB E3 72 27 1D DA 7C 9F 27 01 80 9F 10 13 07 01 01 03 A0 00 00 01 0A 01
00 00 00 00 00 ED 53 8F E4 9F 37 04 7F 9F 34 9E 9F 36 02 01 57 95 05 00 00 00 00 00 9A
03 19 08 30 9C 01 00 9F 02 06 00 00 00 00 00 01 5F 2A 02 01 56 82 02 7C 00 9F 1A 02 01
56 9F 03 06 00 00 00 00 00 00 9F 33 03 E0 E1 C8 9F 35 01 22 9F 1E 08 31 30 30 30 30 30
31 39 84 08 A0 00 00 03 33 01 01 02 9F 09 02 00 8C 9F 41 04 00 00 04 03 01 53 31 32 32
30 38 39 38 36 30 36 31 37 30 38 30 30 30 32 35 38 33 39 39 33 31 33 31 31 48 46 54 31
37 30 38 30 33 30 31 31 34 31 34 32 30 31 39 30 38 33 30 30 39 33 34 33 35 31 35 30 32
30 30 31 37 32 32 42 44 33 30 2E 36 32 31 35 35 35 2C 31 31 34 2E 33 36 31 39 35 34 41
32 36 30 30 31 30 32 30 32 30 32 31 36 30 30 30 30 32 39 30 32 31 30 30 31 35 37 30 38
30 33 30 36 30 30 30 31 31 33 30 34 30 38 30 34 32 34 37 32 39 32 30 35 30 38 48 37 30
36 32 38 30 31 00 14 22 00 00 24 00 06 00 38 46 36 35 31 42 32 36`;

/**
 * A 签到 (sign-in) request, complete: the hex appears in the comments of public C terminal code
 * (an HTTP-wrapped POS request, "User-Agent: Donjin Http 0.1", POST /mjc/webtrans/VPB_lb) and as
 * the constant `QD` of a public Android test (package com.example.yang.myapplication, DataBean),
 * both found by code search. ../shared/reference/cup-pos.md quotes its first 44 bytes with the
 * decoding those sources give: bitmap 0020000000C00016 = fields 11, 41, 42, 60, 62, 63;
 * F11 000001; F41 "10000159"; F42 "880210010210160"; F60 = 00 000001 003; F63 the operator "01 ".
 */
export const PUBLIC_SIGN_IN = `
00 5B 60 00 03 00 00 60 31 00 31 13 12 08 00 00 20 00 00 00 c0 00 16 00 00 01 31 30 30 30
30 31 35 39 38 38 30 32 31 30 30 31 30 32 31 30 31 36 30 00 11 00 00 00 01 00 30 00 29 53
65 71 75 65 6e 63 65 20 4e 6f 31 36 33 31 35 30 53 58 58 2d 34 43 33 30 34 31 31 39 00 03
30 31 20`;

/**
 * An acquirer's 0210 to a 余额查询 (balance inquiry), the constant `data` of a public Java test
 * (package cn.koolcloud.test, Test.java), found by code search; the index did not record the
 * repository's name. The author gives no field list for it; the same file names the values it
 * expects: `new ISO8583Controller("999290054990001", "10000072", ...)` (merchant F42, terminal F41),
 * then `iso.load(data)` and `iso.getBanlance()` (a balance response: F3 310000, F54), and the card
 * "6227004226680056546" in its purchase call.
 */
export const KOOLCLOUD_BALANCE_RESPONSE = `
00 A1 60 00 00 06 15 60 31 00 31 00 01 02 10 60 3C 00 81 0A D0 8C 11 19 62 27 00 42 26 68
00 56 54 60 31 00 00 00 01 75 16 28 28 08 27 10 01 00 08 99 99 00 00 33 32 33 39 31 36 37
31 39 35 30 35 30 30 31 30 30 30 30 30 37 32 39 39 39 32 39 30 30 35 34 39 39 30 30 30 31
22 30 31 30 35 30 30 30 30 20 20 20 39 39 39 39 30 30 30 30 20 20 20 31 35 36 26 00 00 00
00 00 00 00 00 20 33 30 30 32 31 35 36 44 39 30 30 30 30 30 31 30 30 30 30 30 00 13 01 60
00 01 00 05 00 45 32 45 44 41 39 30 32`;
