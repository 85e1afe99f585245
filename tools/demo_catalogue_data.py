"""The demo store's products and promotions, as data people can read and edit.

``tools/make_demo_catalogue.py`` turns this into ``config/demo-catalogue.json``; edit here, then
run ``.venv/bin/python tools/make_demo_catalogue.py`` (a test fails while the two disagree).
The store is a French supermarket, so prices are euro cents, VAT-inclusive, at 2026 levels,
and the VAT codes are those of ``config/kiosk.toml``: standard 20 %, intermediate 10 %
(food for immediate consumption, live plants), reduced 5.5 % (food, non-alcoholic drinks,
books, sanitary protection), super-reduced 2.1 % (press).

A row is ``(code, price, English, French, Simplified Chinese)`` with an optional sixth element,
a dict overriding the section's defaults (``vat``, ``min_age``, ``low_stock``, ``unit``) or
linking a ``deposit`` (the 12-digit body of a deposit item's EAN-13). ``code`` is one of:

* 12 digits: the body of an invented EAN-13; the generator computes the check digit, so no
  GTIN is typed by hand. Invented codes use ``37600`` + two digits for the section + five item
  digits (GS1 France range 300-379).
* ``plu=NNNN``: loose produce with its IFPS PLU (``9NNNN`` is the organic variant). Its GTIN is
  the produce scale's weight label for that PLU (see ``WEIGHT_LABEL``), item digits = the PLU
  zero-padded to six, so the PLU screen and a scale label find the same product. Sold by the
  kg unless the row says ``{"unit": "each"}`` (then the key is internal only).
* ``weight=IIIIII``: a counter item (cheese, butcher, deli, fish) weighed and labelled at the
  counter with ``WEIGHT_LABEL``; never starts with 2 (``22`` labels carry prices).
* ``price=IIII``: an item labelled with its price by ``PRICE_LABEL``; the catalogue price is the
  price per kg the counter scale used.
* ``ean13=``, ``ean8=``, ``upca=``, ``upce=``, ``gtin14=`` + the full text a real package's
  barcode holds (the photographs of ``tests/data/barcodes``): the check digit is verified, never
  computed, and UPC-E is expanded to UPC-A. A ``gtin14=9...`` (indicator digit 9) is a
  variable-measure trade item, sold by the kg.

``low_stock`` is in the product's stock unit, as the journal counts stock: items for ``each``
products, grams for ``kg`` products (``5_000`` is 5 kg).
Age limits follow French law: 18 for alcohol (Code de la santé publique L3342-1) and for
nitrous-oxide cream chargers (loi n° 2021-695); 18 for knives is the store's own policy, as in
most French supermarkets. Energy drinks have no legal age limit in France.
"""

from __future__ import annotations

# In-store label templates, the same patterns as [[barcode.templates]] in config/kiosk.toml.
# Letters: I item digit, V value digit (grams or cents), C price check digit, K EAN-13 check.
# A label is keyed in the catalogue with its V (and C) digits zeroed and K recomputed (the
# price check digit of 00000 is 0, so zeroing C agrees with recomputing it), e.g.
# bananas (PLU 4011) weighed at 1.234 kg get the label 2004011012340; their key is 02004011000002.
WEIGHT_LABEL = "2IIIIIIVVVVVK"  # weight in grams (3 decimals of a kg)
PRICE_LABEL = "22IIIICVVVVVK"  # price in cents

CURRENCY = "EUR"
VERSION = "demo-2026.11.1"
LANGUAGES = ("en", "fr", "zh")

# Deposit items (bottle deposit), referenced by products through {"deposit": ...}.
DEPOSIT_010 = "376000000902"
DEPOSIT_020 = "376000000901"
DEPOSIT_050 = "376000000903"

STORE = {
    "category": "bags", "vat": "standard", "low_stock": 50,
    "rows": [
        ("376000000011", 25, "Reusable carrier bag, recycled plastic",
         "Sac cabas réutilisable en plastique recyclé", "可重复使用购物袋（再生塑料）"),
        ("376000000012", 20, "Paper carrier bag", "Sac en papier kraft", "牛皮纸购物袋"),
        ("376000000013", 149, "Cool bag", "Sac isotherme", "保温袋"),
        ("376000000014", 129, "Woven bag for life", "Cabas tissé réutilisable", "编织环保袋"),
    ],
}

DEPOSITS = {
    # A deposit is refunded when the container comes back; the kiosk has no zero rate, so the
    # demo charges it at the standard rate (a store with an exempt VAT code would use that).
    "category": "deposit", "vat": "standard", "low_stock": 0,
    "rows": [
        (DEPOSIT_020, 20, "Bottle deposit €0.20", "Consigne bouteille 0,20 €", "瓶子押金 0.20欧元"),
        (DEPOSIT_010, 10, "Bottle deposit €0.10", "Consigne bouteille 0,10 €", "瓶子押金 0.10欧元"),
        (DEPOSIT_050, 50, "Glass milk bottle deposit €0.50",
         "Consigne bouteille de lait en verre 0,50 €", "玻璃奶瓶押金 0.50欧元"),
    ],
}

LOOSE_PRODUCE = {
    "category": "produce", "vat": "reduced", "low_stock": 10_000,
    "rows": [
        ("plu=4011", 199, "Bananas", "Bananes", "香蕉"),
        ("plu=94011", 279, "Organic bananas", "Bananes bio", "有机香蕉"),
        ("plu=4131", 329, "Fuji apples", "Pommes Fuji", "富士苹果"),
        ("plu=4173", 269, "Royal Gala apples", "Pommes Royal Gala", "皇家嘎啦苹果"),
        ("plu=4017", 279, "Granny Smith apples", "Pommes Granny Smith", "澳洲青苹果"),
        ("plu=4020", 229, "Golden Delicious apples", "Pommes Golden", "金冠苹果"),
        ("plu=94020", 349, "Organic Golden Delicious apples", "Pommes Golden bio", "有机金冠苹果"),
        ("plu=4130", 399, "Pink Lady apples", "Pommes Pink Lady", "粉红佳人苹果"),
        ("plu=4409", 349, "Williams pears", "Poires Williams", "威廉斯梨"),
        ("plu=4012", 249, "Navel oranges", "Oranges Navel", "脐橙"),
        ("plu=4450", 329, "Clementines", "Clémentines", "克莱门氏小柑橘"),
        ("plu=4053", 349, "Lemons", "Citrons", "柠檬"),
        ("plu=4048", 599, "Limes", "Citrons verts", "青柠"),
        ("plu=4030", 449, "Kiwi fruit", "Kiwis", "猕猴桃"),
        ("plu=4022", 499, "Green seedless grapes", "Raisin blanc sans pépins", "无籽青葡萄"),
        ("plu=4023", 499, "Red seedless grapes", "Raisin rouge sans pépins", "无籽红葡萄"),
        ("plu=4045", 1290, "Cherries", "Cerises", "樱桃"),
        ("plu=4044", 399, "Yellow peaches", "Pêches jaunes", "黄桃"),
        ("plu=4036", 399, "Nectarines", "Nectarines", "油桃"),
        ("plu=4032", 149, "Watermelon", "Pastèque", "西瓜"),
        ("plu=4087", 349, "Roma tomatoes", "Tomates Roma", "罗马番茄"),
        ("plu=4664", 449, "Vine tomatoes", "Tomates grappe", "串番茄"),
        ("plu=4067", 299, "Courgettes", "Courgettes", "西葫芦"),
        ("plu=4081", 329, "Aubergines", "Aubergines", "茄子"),
        ("plu=4688", 499, "Red peppers", "Poivrons rouges", "红甜椒"),
        ("plu=4689", 499, "Yellow peppers", "Poivrons jaunes", "黄甜椒"),
        ("plu=4066", 699, "Green beans", "Haricots verts", "四季豆"),
        ("plu=4060", 399, "Broccoli", "Brocolis", "西兰花"),
        ("plu=4562", 149, "Carrots", "Carottes", "胡萝卜"),
        ("plu=4093", 179, "Yellow onions", "Oignons jaunes", "黄洋葱"),
        ("plu=4082", 299, "Red onions", "Oignons rouges", "紫洋葱"),
        ("plu=4662", 599, "Shallots", "Échalotes", "红葱头"),
        ("plu=4608", 890, "Garlic", "Ail", "大蒜"),
        ("plu=4612", 899, "Ginger root", "Gingembre", "生姜"),
        ("plu=4645", 549, "Button mushrooms", "Champignons de Paris", "白蘑菇"),
        ("plu=4629", 299, "Leeks", "Poireaux", "韭葱"),
        ("plu=4515", 399, "Fennel", "Fenouil", "球茎茴香"),
        ("plu=4080", 1190, "Green asparagus", "Asperges vertes", "绿芦笋"),
    ],
}

PRODUCE_BY_PIECE = {
    # Loose produce sold per piece, still looked up by its PLU on the produce screen.
    "category": "produce", "vat": "reduced", "low_stock": 10,
    "rows": [
        ("plu=4225", 129, "Hass avocado, each", "Avocat Hass, la pièce", "哈斯牛油果（每个）",
         {"unit": "each", "low_stock": 20}),
        ("plu=4430", 249, "Pineapple, each", "Ananas, la pièce", "菠萝（每个）",
         {"unit": "each"}),
        ("plu=4959", 199, "Mango, each", "Mangue, la pièce", "芒果（每个）", {"unit": "each"}),
        ("plu=4261", 199, "Coconut, each", "Noix de coco, la pièce", "椰子（每个）",
         {"unit": "each"}),
        ("plu=4061", 129, "Iceberg lettuce, each", "Laitue iceberg, la pièce", "球生菜（每个）",
         {"unit": "each"}),
        ("plu=4640", 119, "Romaine lettuce, each", "Laitue romaine, la pièce",
         "罗马生菜（每个）", {"unit": "each"}),
        ("plu=4062", 89, "Cucumber, each", "Concombre, la pièce", "黄瓜（每根）",
         {"unit": "each", "low_stock": 20}),
        ("plu=4079", 249, "Cauliflower, each", "Chou-fleur, la pièce", "花椰菜（每颗）",
         {"unit": "each"}),
        ("plu=4069", 199, "Green cabbage, each", "Chou vert, la pièce", "卷心菜（每颗）",
         {"unit": "each"}),
        ("plu=4070", 179, "Celery, each", "Céleri branche, la pièce", "西芹（每棵）",
         {"unit": "each"}),
        ("plu=4068", 99, "Spring onions, bunch", "Oignons nouveaux, la botte", "小葱（每把）",
         {"unit": "each"}),
        ("plu=4889", 99, "Coriander, bunch", "Coriandre, la botte", "香菜（每把）",
         {"unit": "each"}),
        ("plu=4050", 249, "Charentais melon, each", "Melon charentais, la pièce",
         "夏朗德甜瓜（每个）", {"unit": "each"}),
    ],
}

PACKED_PRODUCE = {
    "category": "produce", "vat": "reduced", "low_stock": 8,
    "rows": [
        ("376000100001", 299, "Potatoes 2.5 kg bag", "Pommes de terre 2,5 kg", "土豆 2.5公斤袋装"),
        ("376000100002", 129, "Carrots 1 kg bag", "Carottes sachet 1 kg", "胡萝卜 1公斤袋装"),
        ("376000100003", 159, "Yellow onions 1 kg net", "Oignons jaunes filet 1 kg",
         "黄洋葱 1公斤网袋装"),
        ("376000100004", 349, "Golden apples 1.5 kg bag", "Pommes Golden sachet 1,5 kg",
         "金冠苹果 1.5公斤袋装"),
        ("376000100005", 179, "Baby spinach 125 g", "Pousses d'épinards 125 g", "嫩菠菜 125克"),
        ("376000100006", 199, "Lamb's lettuce 150 g", "Mâche 150 g", "野苣 150克"),
        ("376000100007", 399, "Strawberries 500 g", "Fraises 500 g", "草莓 500克"),
        ("376000100008", 199, "Lemons 500 g net", "Citrons filet 500 g", "柠檬 500克网袋装"),
        # GS1 DataBar photographs (tests/data/barcodes/rss14-1): packed and labelled produce.
        ("gtin14=04412345678909", 299, "Organic Hass avocados x2", "Avocats Hass bio x2",
         "有机哈斯牛油果 2个装"),
        ("gtin14=00821935106427", 249, "Blueberries 125 g", "Myrtilles 125 g", "蓝莓 125克"),
        ("gtin14=00075678164125", 299, "Raspberries 125 g", "Framboises 125 g", "覆盆子 125克"),
        ("gtin14=20012345678909", 249, "Kiwi fruit, tray of 6", "Kiwis, barquette de 6",
         "猕猴桃 6个盒装"),
        ("gtin14=00034567890125", 199, "Mixed salad leaves 200 g", "Mélange de salades 200 g",
         "混合生菜 200克"),
        ("gtin14=00012345678905", 179, "Cherry tomatoes 250 g", "Tomates cerises 250 g",
         "樱桃番茄 250克"),
    ],
}

FLOWERS = {
    "category": "flowers", "vat": "intermediate", "low_stock": 3,
    "rows": [
        ("376002000001", 599, "Tulips, bunch of 10", "Tulipes, botte de 10", "郁金香 10支"),
        ("376002000002", 1299, "Phalaenopsis orchid in pot", "Orchidée phalaenopsis en pot",
         "盆栽蝴蝶兰"),
        ("376002000003", 199, "Basil plant in pot", "Basilic en pot", "盆栽罗勒"),
    ],
}

BAKERY = {
    "category": "bakery", "vat": "reduced", "low_stock": 10,
    "rows": [
        ("376000200001", 99, "Baguette 250 g", "Baguette 250 g", "法棍面包 250克"),
        ("376000200002", 130, "Traditional French baguette", "Baguette de tradition française",
         "传统法棍"),
        ("376000200003", 260, "Country sourdough loaf 500 g", "Pain de campagne au levain 500 g",
         "乡村酸面包 500克"),
        ("376000200004", 240, "Wholemeal loaf 400 g", "Pain complet 400 g", "全麦面包 400克"),
        ("376000200005", 290, "Multigrain loaf 400 g", "Pain aux céréales 400 g",
         "多谷物面包 400克"),
        ("376000200006", 95, "All-butter croissant", "Croissant pur beurre", "纯黄油牛角包"),
        ("376000200007", 105, "Pain au chocolat", "Pain au chocolat", "巧克力面包"),
        ("376000200008", 120, "Raisin swirl", "Pain aux raisins", "葡萄干面包卷"),
        ("376000200009", 299, "All-butter croissants x6", "Croissants pur beurre x6",
         "纯黄油牛角包 6个装"),
        ("376000200010", 329, "Pains au chocolat x6", "Pains au chocolat x6", "巧克力面包 6个装"),
        ("376000200011", 279, "Plaited brioche 400 g", "Brioche tressée 400 g",
         "辫子布里欧修面包 400克"),
        ("376000200012", 179, "White sandwich bread 500 g", "Pain de mie nature 500 g",
         "白吐司面包 500克"),
        ("376000200013", 199, "Wholemeal sandwich bread 500 g", "Pain de mie complet 500 g",
         "全麦吐司面包 500克"),
        ("376000200014", 169, "Burger buns x4", "Pains à burger x4", "汉堡面包 4个装"),
        ("376000200015", 229, "Madeleines 250 g", "Madeleines 250 g", "玛德琳蛋糕 250克"),
        ("376000200016", 140, "Apple turnover", "Chausson aux pommes", "苹果酥"),
        ("376000200017", 220, "Custard tart, slice", "Flan pâtissier, la part",
         "法式蛋奶挞（一块）"),
        ("376000200018", 190, "Chocolate éclair", "Éclair au chocolat", "巧克力闪电泡芙"),
        ("376000200019", 790, "Apple tart, serves 6", "Tarte aux pommes 6 parts",
         "苹果挞 6人份"),
        ("376000200020", 259, "Honey spice bread 300 g", "Pain d'épices 300 g",
         "法式香料蜂蜜面包 300克"),
        ("376000200021", 249, "Ready-made crêpes x10", "Crêpes x10", "法式薄饼 10张装"),
        ("376000200022", 209, "Rusks 300 g", "Biscottes 300 g", "面包干 300克"),
    ],
}

DAIRY = {
    "category": "dairy", "vat": "reduced", "low_stock": 12,
    "rows": [
        ("376000300001", 119, "Whole milk 1 L", "Lait entier 1 L", "全脂牛奶 1升"),
        ("376000300002", 99, "Semi-skimmed milk 1 L", "Lait demi-écrémé 1 L", "半脱脂牛奶 1升"),
        ("376000300003", 579, "Semi-skimmed milk 6 x 1 L", "Lait demi-écrémé 6 x 1 L",
         "半脱脂牛奶 6×1升"),
        ("376000300004", 95, "Skimmed milk 1 L", "Lait écrémé 1 L", "脱脂牛奶 1升"),
        ("376000300005", 155, "Organic whole milk 1 L", "Lait entier bio 1 L", "有机全脂牛奶 1升"),
        ("376000300006", 169, "Lactose-free semi-skimmed milk 1 L",
         "Lait demi-écrémé sans lactose 1 L", "无乳糖半脱脂牛奶 1升"),
        ("376000300007", 179, "Farm whole milk 1 L, returnable glass bottle",
         "Lait entier fermier 1 L, bouteille en verre consignée", "农场全脂牛奶 1升（押金玻璃瓶）",
         {"deposit": DEPOSIT_050, "low_stock": 6}),
        ("376000300008", 199, "Oat drink 1 L", "Boisson à l'avoine 1 L", "燕麦饮 1升"),
        ("376000300009", 179, "Soya drink 1 L", "Boisson au soja 1 L", "豆奶 1升"),
        ("376000300010", 289, "Unsalted butter 250 g", "Beurre doux 250 g", "无盐黄油 250克"),
        ("376000300011", 299, "Lightly salted butter 250 g", "Beurre demi-sel 250 g",
         "淡盐黄油 250克"),
        # Margarine is one of the foods French law keeps at the standard rate.
        ("376000300012", 179, "Sunflower margarine 250 g", "Margarine au tournesol 250 g",
         "葵花籽人造黄油 250克", {"vat": "standard"}),
        ("376000300013", 139, "Crème fraîche 20 cl", "Crème fraîche épaisse 20 cl",
         "法式酸奶油 20厘升"),
        ("376000300014", 129, "Whipping cream 30% 20 cl", "Crème liquide entière 30 % 20 cl",
         "淡奶油（30%）20厘升"),
        ("376000300015", 135, "Plain yoghurt 4 x 125 g", "Yaourts nature 4 x 125 g",
         "原味酸奶 4×125克"),
        ("376000300016", 295, "Fruit yoghurts 8 x 125 g", "Yaourts aux fruits 8 x 125 g",
         "水果酸奶 8×125克"),
        ("376000300017", 249, "Greek-style yoghurt 500 g", "Yaourt à la grecque 500 g",
         "希腊式酸奶 500克"),
        ("376000300018", 189, "Fromage blanc 3% 500 g", "Fromage blanc 3 % 500 g",
         "法式白奶酪 500克"),
        ("376000300019", 179, "Chocolate custard pots 4 x 125 g",
         "Crème dessert au chocolat 4 x 125 g", "巧克力布丁 4×125克"),
        ("376000300020", 249, "Free-range eggs x6", "Œufs de poules élevées en plein air x6",
         "散养鸡蛋 6枚"),
        ("376000300021", 369, "Barn eggs x12", "Œufs de poules élevées au sol x12",
         "平养鸡蛋 12枚"),
        ("376000300022", 299, "Organic eggs x6", "Œufs bio x6", "有机鸡蛋 6枚"),
        ("376000300023", 219, "Grated Emmental 200 g", "Emmental râpé 200 g",
         "埃曼塔奶酪丝 200克"),
        ("376000300024", 229, "Camembert 250 g", "Camembert 250 g", "卡门贝尔奶酪 250克"),
        ("376000300025", 249, "Brie wedge 200 g", "Brie, pointe de 200 g", "布里奶酪 200克"),
        ("376000300026", 449, "Comté aged 12 months 200 g", "Comté affiné 12 mois 200 g",
         "孔泰奶酪（熟成12个月）200克"),
        ("376000300027", 269, "Goat's cheese log 180 g", "Bûche de chèvre 180 g",
         "山羊奶酪卷 180克"),
        ("376000300028", 299, "Roquefort 100 g", "Roquefort 100 g", "洛克福蓝纹奶酪 100克"),
        ("376000300029", 119, "Mozzarella 125 g", "Mozzarella 125 g", "马苏里拉奶酪 125克"),
        ("376000300030", 239, "Feta PDO 200 g", "Feta AOP 200 g", "菲达奶酪（原产地保护）200克"),
        ("376000300031", 549, "Raclette cheese slices 400 g",
         "Fromage à raclette en tranches 400 g", "拉克莱特奶酪片 400克"),
    ],
}

CHEESE_COUNTER = {
    "category": "cheese", "vat": "reduced", "low_stock": 2_000,
    "rows": [
        ("weight=100101", 2490, "Comté aged 18 months, cut to order",
         "Comté 18 mois, à la coupe", "孔泰奶酪（18个月，现切）"),
        ("weight=100102", 2990, "Beaufort PDO, cut to order", "Beaufort AOP, à la coupe",
         "博福尔奶酪（现切）"),
        ("weight=100103", 1890, "Morbier, cut to order", "Morbier, à la coupe",
         "莫尔碧叶奶酪（现切）"),
        ("weight=100104", 1790, "Tomme de Savoie, cut to order", "Tomme de Savoie, à la coupe",
         "萨瓦托姆奶酪（现切）"),
        ("weight=100105", 2190, "Farmhouse Saint-Nectaire", "Saint-Nectaire fermier",
         "农场圣奈克泰尔奶酪"),
        ("weight=100106", 1990, "Aged Mimolette", "Mimolette vieille", "陈年米莫雷特奶酪"),
        ("weight=100107", 1690, "Bleu d'Auvergne", "Bleu d'Auvergne", "奥弗涅蓝纹奶酪"),
        ("weight=100108", 2790, "Parmigiano Reggiano, cut to order",
         "Parmigiano Reggiano, à la coupe", "帕尔马干酪（现切）"),
    ],
}

MEAT = {
    "category": "meat", "vat": "reduced", "low_stock": 5,
    "rows": [
        ("376000400001", 499, "Lean minced beef 5% fat 350 g",
         "Viande hachée pur bœuf 5 % MG 350 g", "纯牛肉糜（5%脂肪）350克"),
        ("376000400002", 399, "Beef burgers 2 x 125 g", "Steaks hachés pur bœuf 2 x 125 g",
         "纯牛肉饼 2×125克"),
        ("376000400003", 749, "Beef sirloin steak 250 g", "Faux-filet de bœuf 250 g",
         "西冷牛排 250克"),
        ("376000400004", 899, "Braising beef 500 g", "Bœuf à bourguignon 500 g",
         "炖煮用牛肉 500克"),
        ("376000400005", 699, "Chicken breast fillets 400 g", "Filets de poulet 400 g",
         "鸡胸肉 400克"),
        ("376000400006", 499, "Chicken drumsticks 1 kg", "Pilons de poulet 1 kg", "鸡腿 1公斤"),
        ("376000400007", 549, "Turkey escalopes 300 g", "Escalopes de dinde 300 g",
         "火鸡肉排 300克"),
        ("376000400008", 599, "Pork chops 600 g", "Côtes de porc 600 g", "猪排 600克"),
        ("376000400009", 429, "Toulouse sausages 400 g", "Saucisses de Toulouse 400 g",
         "图卢兹香肠 400克"),
        ("376000400010", 399, "Merguez sausages 350 g", "Merguez 350 g", "梅尔格斯香肠 350克"),
        ("376000400011", 999, "Lamb cutlets 400 g", "Côtelettes d'agneau 400 g", "羊排 400克"),
        ("376000400012", 849, "Veal escalopes 250 g", "Escalopes de veau 250 g",
         "小牛肉排 250克"),
        ("376000400013", 890, "Duck breast fillet 350 g", "Magret de canard 350 g", "鸭胸 350克"),
        # Variable-measure packs labelled by the supplier in GS1 DataBar Expanded with their
        # weight or price (tests/data/barcodes/rssexpanded-1): sold by the kg.
        ("gtin14=98898765432106", 2490, "Beef roasting joint, variable weight",
         "Rôti de bœuf, poids variable", "烤牛肉卷（不定重）", {"low_stock": 5_000}),
        ("gtin14=90012345678908", 890, "Free-range chicken thighs, variable weight",
         "Cuisses de poulet fermier, poids variable", "散养鸡大腿（不定重）",
         {"low_stock": 5_000}),
    ],
}

MEAT_COUNTER = {
    "category": "meat", "vat": "reduced", "low_stock": 3_000,
    "rows": [
        ("weight=300301", 2990, "Beef rib on the bone", "Côte de bœuf", "带骨肋眼牛排"),
        ("weight=300302", 4490, "Beef fillet", "Filet de bœuf", "牛里脊"),
        ("weight=300303", 1790, "Veal for blanquette", "Blanquette de veau", "白汁炖小牛肉用肉"),
        ("weight=300304", 1190, "Pork roast", "Rôti de porc", "烤猪肉卷"),
        ("weight=300305", 1990, "Leg of lamb", "Gigot d'agneau", "羊腿"),
        ("weight=300306", 1290, "Chipolata sausages", "Chipolatas", "奇波拉塔小香肠"),
        ("price=0101", 890, "Free-range whole chicken, Label Rouge",
         "Poulet fermier Label Rouge entier", "红标散养整鸡"),
    ],
}

DELI_COUNTER = {
    "category": "deli", "vat": "reduced", "low_stock": 2_000,
    "rows": [
        ("weight=400401", 1990, "Cooked ham, sliced to order", "Jambon cuit à la coupe",
         "现切熟火腿"),
        ("weight=400402", 2990, "Bayonne ham, sliced to order", "Jambon de Bayonne à la coupe",
         "现切巴约讷火腿"),
        ("weight=400403", 990, "Celeriac remoulade", "Céleri rémoulade", "蛋黄酱拌芹菜根丝"),
        ("weight=400404", 950, "Tabbouleh", "Taboulé", "塔布勒沙拉"),
        ("weight=400405", 2490, "Pâté en croûte", "Pâté en croûte", "酥皮肉派"),
        ("weight=400406", 1490, "Green olives with herbs", "Olives vertes aux herbes",
         "香草绿橄榄"),
        ("price=0103", 1490, "Quiche lorraine from the deli", "Quiche lorraine du traiteur",
         "熟食柜台洛林乳蛋饼"),
        ("price=0104", 1390, "Seafood paella from the deli", "Paëlla aux fruits de mer du traiteur",
         "熟食柜台西班牙海鲜饭"),
    ],
}

FISH_COUNTER = {
    "category": "fish", "vat": "reduced", "low_stock": 2_000,
    "rows": [
        ("weight=500501", 2690, "Salmon fillet", "Filet de saumon", "三文鱼柳"),
        ("weight=500502", 2990, "Cod loin", "Dos de cabillaud", "鳕鱼背肉"),
        ("weight=500503", 690, "Bouchot mussels", "Moules de bouchot", "青口贝"),
        ("weight=500504", 2490, "Cooked prawns", "Crevettes cuites", "熟虾"),
        ("weight=500505", 1590, "Whole gilt-head bream", "Dorade royale entière", "整条金头鲷"),
        ("price=0105", 4990, "Smoked salmon, hand-sliced", "Saumon fumé tranché main",
         "手切烟熏三文鱼"),
    ],
}

FISH = {
    "category": "fish", "vat": "reduced", "low_stock": 5,
    "rows": [
        ("376000500001", 549, "Smoked salmon 4 slices 120 g", "Saumon fumé 4 tranches 120 g",
         "烟熏三文鱼 4片 120克"),
        ("376000500002", 649, "Salmon fillets 2 x 125 g", "Pavés de saumon 2 x 125 g",
         "三文鱼块 2×125克"),
        ("376000500003", 229, "Surimi sticks 250 g", "Bâtonnets de surimi 250 g",
         "蟹肉棒 250克"),
        ("376000500004", 499, "Cooked prawns 200 g", "Crevettes cuites 200 g", "熟虾 200克"),
        ("376000500005", 349, "Peppered smoked mackerel 200 g",
         "Filets de maquereau fumés au poivre 200 g", "黑胡椒烟熏鲭鱼柳 200克"),
        ("376000500006", 199, "Taramasalata 100 g", "Tarama 100 g", "希腊鱼子泥 100克"),
    ],
}

DELI = {
    "category": "deli", "vat": "reduced", "low_stock": 8,
    "rows": [
        ("376000600001", 279, "Cooked ham 4 slices 160 g", "Jambon cuit supérieur 4 tranches 160 g",
         "熟火腿 4片 160克"),
        ("376000600002", 249, "Chicken breast slices 120 g", "Blanc de poulet 4 tranches 120 g",
         "鸡胸肉片 120克"),
        ("376000600003", 329, "Dry-cured ham 6 slices 120 g", "Jambon sec 6 tranches 120 g",
         "风干火腿 6片 120克"),
        ("376000600004", 399, "Dry sausage 250 g", "Saucisson sec 250 g", "法式风干香肠 250克"),
        ("376000600005", 199, "Sliced chorizo 100 g", "Chorizo en tranches 100 g",
         "西班牙辣香肠片 100克"),
        ("376000600006", 189, "Country pâté 180 g", "Pâté de campagne 180 g", "乡村肉酱 180克"),
        ("376000600007", 249, "Pork rillettes 220 g", "Rillettes du Mans 220 g",
         "勒芒猪肉酱 220克"),
        ("376000600008", 239, "Smoked bacon lardons 2 x 100 g", "Lardons fumés 2 x 100 g",
         "烟熏培根丁 2×100克"),
        ("376000600009", 259, "Strasbourg sausages x6 210 g", "Saucisses de Strasbourg x6 210 g",
         "斯特拉斯堡香肠 6根 210克"),
        ("376000600010", 199, "Hummus 200 g", "Houmous 200 g", "鹰嘴豆泥 200克"),
        ("376000600011", 269, "Ricotta and spinach ravioli 250 g",
         "Ravioli ricotta épinards 250 g", "菠菜乳清干酪意式饺子 250克"),
        ("376000600012", 129, "Ready-rolled puff pastry 230 g", "Pâte feuilletée 230 g",
         "千层酥皮 230克"),
        ("376000600013", 2490, "Whole duck foie gras 180 g", "Foie gras de canard entier 180 g",
         "整块鸭肝 180克", {"low_stock": 3}),
    ],
}

READY_MEALS = {
    # Sandwiches, sushi and hot food are sold for immediate consumption: intermediate rate.
    "category": "ready-meals", "vat": "reduced", "low_stock": 6,
    "rows": [
        ("376000700001", 350, "Ham and butter baguette sandwich", "Sandwich jambon beurre",
         "火腿黄油法棍三明治", {"vat": "intermediate"}),
        ("376000700002", 399, "Chicken Caesar wrap", "Wrap poulet César", "凯撒鸡肉卷饼",
         {"vat": "intermediate"}),
        ("376000700003", 299, "Tuna mayonnaise sandwich", "Sandwich thon mayonnaise",
         "金枪鱼蛋黄酱三明治", {"vat": "intermediate"}),
        ("376000700004", 449, "Chicken pasta salad 300 g, with fork",
         "Salade de pâtes au poulet 300 g avec fourchette", "鸡肉意面沙拉 300克（附叉子）",
         {"vat": "intermediate"}),
        ("376000700005", 799, "Sushi assortment, 12 pieces", "Assortiment de sushis, 12 pièces",
         "什锦寿司 12件", {"vat": "intermediate"}),
        ("price=0102", 1090, "Hot rotisserie chicken", "Poulet rôti chaud", "热烤鸡",
         {"vat": "intermediate", "low_stock": 2_000}),
        ("376000700006", 649, "Beef lasagne 1 kg", "Lasagnes à la bolognaise 1 kg",
         "牛肉千层面 1公斤"),
        ("376000700007", 399, "Hachis parmentier 400 g", "Hachis parmentier 400 g",
         "法式牛肉土豆泥焗 400克"),
        ("376000700008", 449, "Couscous royale 400 g", "Couscous royal 400 g",
         "皇家古斯古斯 400克"),
        ("376000700009", 299, "Vegetable soup 1 L", "Velouté de légumes 1 L", "蔬菜浓汤 1升"),
        ("376000700010", 349, "Ham and mushroom pizza 400 g", "Pizza jambon champignons 400 g",
         "火腿蘑菇披萨 400克"),
        ("376000700011", 329, "Quiche lorraine 400 g", "Quiche lorraine 400 g",
         "洛林乳蛋饼 400克"),
    ],
}

FROZEN = {
    "category": "frozen", "vat": "reduced", "low_stock": 6,
    "rows": [
        ("376000800001", 229, "Frozen garden peas 1 kg", "Petits pois surgelés 1 kg",
         "冷冻豌豆 1公斤"),
        ("376000800002", 219, "Oven chips 1 kg", "Frites au four 1 kg", "烤箱薯条 1公斤"),
        ("376000800003", 249, "Frozen green beans 1 kg", "Haricots verts surgelés 1 kg",
         "冷冻四季豆 1公斤"),
        ("376000800004", 199, "Chopped spinach portions 750 g", "Épinards hachés en galets 750 g",
         "冷冻菠菜碎块 750克"),
        ("376000800005", 349, "Fish fingers x15 450 g", "Bâtonnets de poisson pané x15 450 g",
         "炸鱼条 15条 450克"),
        ("376000800006", 279, "Stone-baked Margherita pizza 350 g",
         "Pizza margherita cuite au feu de bois 350 g", "石烤玛格丽特披萨 350克"),
        ("376000800007", 299, "Four-cheese pizza 390 g", "Pizza 4 fromages 390 g",
         "四种奶酪披萨 390克"),
        ("376000800008", 349, "Vanilla ice cream 1 L", "Crème glacée vanille 1 L",
         "香草冰淇淋 1升"),
        ("376000800009", 479, "Cookie dough ice cream 460 ml", "Glace cookie dough 460 ml",
         "曲奇面团冰淇淋 460毫升"),
        ("376000800010", 479, "Salted caramel ice cream 460 ml",
         "Glace caramel au beurre salé 460 ml", "咸黄油焦糖冰淇淋 460毫升"),
        ("376000800011", 479, "Chocolate brownie ice cream 460 ml",
         "Glace brownie au chocolat 460 ml", "巧克力布朗尼冰淇淋 460毫升"),
        ("376000800012", 479, "Strawberry cheesecake ice cream 460 ml",
         "Glace cheesecake à la fraise 460 ml", "草莓芝士蛋糕冰淇淋 460毫升"),
        ("376000800013", 399, "Chocolate-coated ice cream bars x6",
         "Bâtonnets glacés enrobés de chocolat x6", "巧克力脆皮雪糕 6支装"),
        ("376000800014", 399, "Frozen mixed berries 500 g", "Fruits rouges surgelés 500 g",
         "冷冻混合莓果 500克"),
        ("376000800015", 749, "Raw peeled prawns 400 g", "Crevettes crues décortiquées 400 g",
         "冷冻生虾仁 400克"),
        ("376000800016", 599, "Frozen cod fillets 400 g", "Filets de cabillaud surgelés 400 g",
         "冷冻鳕鱼柳 400克"),
        ("376000800017", 399, "Croissants to bake x10", "Croissants à cuire x10",
         "待烘焙牛角包 10个"),
        ("376000800018", 429, "Chicken spring rolls x12", "Nems au poulet x12", "鸡肉春卷 12个"),
        ("376000800019", 799, "Frozen beef burgers 10 x 100 g",
         "Steaks hachés surgelés 10 x 100 g", "冷冻牛肉饼 10×100克"),
        ("376000800020", 149, "Ice cubes 2 kg", "Glaçons 2 kg", "冰块 2公斤"),
    ],
}

GROCERY = {
    "category": "grocery", "vat": "reduced", "low_stock": 10,
    "rows": [
        ("376000900001", 99, "Spaghetti 500 g", "Spaghetti 500 g", "意大利细面 500克"),
        ("376000900002", 99, "Penne rigate 500 g", "Penne rigate 500 g", "斜管面 500克"),
        ("376000900003", 99, "Fusilli 500 g", "Fusilli 500 g", "螺旋面 500克"),
        ("376000900004", 159, "Egg tagliatelle 250 g", "Tagliatelles aux œufs 250 g",
         "鸡蛋宽面 250克"),
        ("376000900005", 279, "Basmati rice 1 kg", "Riz basmati 1 kg", "印度香米 1公斤"),
        ("376000900006", 169, "Long-grain rice 1 kg", "Riz long grain 1 kg", "长粒米 1公斤"),
        ("376000900007", 299, "Risotto rice 1 kg", "Riz pour risotto 1 kg", "意大利炖饭米 1公斤"),
        ("376000900008", 299, "Thai jasmine rice 1 kg", "Riz thaï parfumé 1 kg", "泰国香米 1公斤"),
        ("376000900009", 119, "Medium couscous 500 g", "Couscous grain moyen 500 g",
         "中粒古斯米 500克"),
        ("376000900010", 179, "Green lentils 500 g", "Lentilles vertes 500 g", "绿扁豆 500克"),
        ("376000900011", 89, "Chickpeas 400 g tin", "Pois chiches 400 g", "鹰嘴豆罐头 400克"),
        ("376000900012", 95, "Plain wheat flour T55 1 kg", "Farine de blé T55 1 kg",
         "T55小麦面粉 1公斤"),
        ("376000900013", 129, "Caster sugar 1 kg", "Sucre en poudre 1 kg", "细砂糖 1公斤"),
        ("376000900014", 159, "Sugar cubes 1 kg", "Sucre en morceaux 1 kg", "方糖 1公斤"),
        ("376000900015", 229, "Sunflower oil 1 L", "Huile de tournesol 1 L", "葵花籽油 1升"),
        ("376000900016", 899, "Extra virgin olive oil 75 cl", "Huile d'olive vierge extra 75 cl",
         "特级初榨橄榄油 75厘升"),
        ("376000900017", 119, "Red wine vinegar 50 cl", "Vinaigre de vin rouge 50 cl",
         "红酒醋 50厘升"),
        ("376000900018", 199, "Dijon mustard 370 g", "Moutarde de Dijon 370 g",
         "第戎芥末酱 370克"),
        ("376000900019", 189, "Mayonnaise 235 g", "Mayonnaise 235 g", "蛋黄酱 235克"),
        ("376000900020", 249, "Tomato ketchup 560 g", "Ketchup 560 g", "番茄酱 560克"),
        ("376000900021", 119, "Tomato passata 500 g", "Coulis de tomates 500 g", "番茄泥 500克"),
        ("376000900022", 89, "Chopped tomatoes 400 g", "Tomates concassées 400 g",
         "番茄块罐头 400克"),
        ("376000900023", 219, "Bolognese sauce 400 g", "Sauce bolognaise 400 g",
         "意式肉酱 400克"),
        ("376000900024", 249, "Basil pesto 190 g", "Pesto au basilic 190 g", "罗勒青酱 190克"),
        ("376000900025", 189, "Tuna chunks in brine 140 g", "Thon au naturel 140 g",
         "水浸金枪鱼 140克"),
        ("376000900026", 169, "Sardines in olive oil 135 g", "Sardines à l'huile d'olive 135 g",
         "橄榄油沙丁鱼 135克"),
        ("376000900027", 109, "Sweetcorn 285 g", "Maïs doux 285 g", "甜玉米粒 285克"),
        ("376000900028", 279, "Beef ravioli 800 g", "Raviolis pur bœuf 800 g",
         "牛肉馅意式饺子罐头 800克"),
        ("376000900029", 449, "Cassoulet 840 g", "Cassoulet 840 g", "法式白豆焖肉 840克"),
        ("376000900030", 79, "Fine sea salt 1 kg", "Sel fin de mer 1 kg", "细海盐 1公斤"),
        ("376000900031", 199, "Ground black pepper 50 g", "Poivre noir moulu 50 g",
         "黑胡椒粉 50克"),
        ("376000900032", 159, "Herbes de Provence 20 g", "Herbes de Provence 20 g",
         "普罗旺斯香草 20克"),
        ("376000900033", 149, "Chicken stock cubes x10", "Bouillon de volaille x10 cubes",
         "鸡汤块 10块"),
        ("376000900034", 349, "Ground coffee, 100% Arabica 250 g",
         "Café moulu 100 % arabica 250 g", "阿拉比卡研磨咖啡 250克"),
        ("376000900035", 1490, "Coffee beans 1 kg", "Café en grains 1 kg", "咖啡豆 1公斤"),
        ("376000900036", 319, "Espresso capsules x10", "Capsules espresso x10",
         "浓缩咖啡胶囊 10粒"),
        ("376000900037", 649, "Instant coffee 200 g", "Café soluble 200 g", "速溶咖啡 200克"),
        ("376000900038", 199, "Black tea, 25 bags", "Thé noir, 25 sachets", "红茶 25袋"),
        ("376000900039", 229, "Green tea, 20 bags", "Thé vert, 20 sachets", "绿茶 20袋"),
        ("376000900040", 219, "Lemon verbena herbal tea, 20 bags", "Infusion verveine, 20 sachets",
         "马鞭草花草茶 20袋"),
        ("376000900041", 249, "Cornflakes 500 g", "Pétales de maïs 500 g", "玉米片 500克"),
        ("376000900042", 329, "Fruit muesli 750 g", "Muesli aux fruits 750 g", "水果麦片 750克"),
        ("376000900043", 299, "Chocolate-filled cereal pillows 375 g",
         "Céréales fourrées au chocolat 375 g", "巧克力夹心谷物 375克"),
        ("376000900044", 149, "Rolled oats 500 g", "Flocons d'avoine 500 g", "燕麦片 500克"),
        ("376000900045", 239, "Strawberry jam 370 g", "Confiture de fraises 370 g",
         "草莓果酱 370克"),
        ("376000900046", 239, "Apricot jam 370 g", "Confiture d'abricots 370 g", "杏子果酱 370克"),
        ("376000900047", 599, "Flower honey 500 g", "Miel de fleurs 500 g", "百花蜜 500克"),
        ("376000900048", 329, "Hazelnut cocoa spread 400 g",
         "Pâte à tartiner noisettes et cacao 400 g", "榛子可可酱 400克"),
        ("376000900049", 349, "Chocolate drink powder 450 g", "Chocolat en poudre 450 g",
         "巧克力冲饮粉 450克"),
        ("376000900050", 199, "Soy sauce 150 ml", "Sauce soja 150 ml", "酱油 150毫升"),
        ("376000900051", 149, "Coconut milk 400 ml", "Lait de coco 400 ml", "椰奶 400毫升"),
        ("376000900052", 59, "Instant noodles, chicken 85 g", "Nouilles instantanées poulet 85 g",
         "鸡肉味方便面 85克"),
        ("376000900053", 199, "Rice noodles 400 g", "Nouilles de riz 400 g", "米粉 400克"),
        ("376000900054", 99, "Baking powder 8 x 11 g", "Levure chimique 8 x 11 g",
         "泡打粉 8×11克"),
        ("376000900055", 229, "Dark baking chocolate 52% 200 g",
         "Chocolat noir pâtissier 52 % 200 g", "烘焙用黑巧克力（52%）200克"),
    ],
}

SNACKS = {
    "category": "snacks", "vat": "reduced", "low_stock": 10,
    "rows": [
        ("376001000001", 149, "Salted crisps 150 g", "Chips nature 150 g", "原味薯片 150克"),
        ("376001000002", 159, "Paprika crisps 150 g", "Chips au paprika 150 g", "红椒味薯片 150克"),
        ("376001000003", 169, "Tortilla chips 200 g", "Tortilla chips 200 g", "墨西哥玉米片 200克"),
        ("376001000004", 159, "Salted peanuts 200 g", "Cacahuètes salées 200 g", "咸花生 200克"),
        ("376001000005", 449, "Roasted salted pistachios 250 g",
         "Pistaches grillées salées 250 g", "烤盐焗开心果 250克"),
        ("376001000006", 349, "Cashew nuts 200 g", "Noix de cajou 200 g", "腰果 200克"),
        ("376001000007", 139, "Cheese crackers 75 g", "Crackers au fromage 75 g", "芝士饼干 75克"),
        ("376001000008", 129, "Butter biscuits 200 g", "Petits beurre 200 g", "黄油饼干 200克"),
        ("376001000009", 199, "Chocolate chip cookies 200 g",
         "Cookies aux pépites de chocolat 200 g", "巧克力豆曲奇 200克"),
        ("376001000010", 219, "Chocolate-filled biscuits 300 g",
         "Biscuits fourrés au chocolat 300 g", "巧克力夹心饼干 300克"),
        ("376001000011", 189, "Breton butter cookies 125 g", "Palets bretons 125 g",
         "布列塔尼黄油饼 125克"),
        ("376001000012", 129, "Milk chocolate bar 100 g", "Tablette de chocolat au lait 100 g",
         "牛奶巧克力 100克"),
        ("376001000013", 169, "Dark chocolate 70% 100 g", "Chocolat noir 70 % 100 g",
         "70%黑巧克力 100克"),
        ("376001000014", 219, "Cereal bars x6", "Barres de céréales x6", "谷物棒 6条"),
        ("376001000015", 159, "Rice cakes 130 g", "Galettes de riz 130 g", "米饼 130克"),
        # Packages photographed in tests/data/barcodes (ean8-1, upca-3, upce-1).
        ("ean8=48512343", 279, "Dried apricots 200 g", "Abricots secs 200 g", "杏干 200克"),
        ("ean8=80674313", 169, "Italian breadsticks 125 g", "Gressins italiens 125 g",
         "意大利面包棒 125克"),
        ("ean8=59001270", 89, "Chocolate-coated wafer 50 g", "Gaufrette enrobée de chocolat 50 g",
         "巧克力威化 50克"),
        ("upca=854818000116", 299, "Protein bar 60 g, imported", "Barre protéinée 60 g, importée",
         "蛋白棒 60克（进口）"),
        ("upce=00123457", 349, "Beef jerky 25 g", "Bœuf séché 25 g", "牛肉干 25克"),
        ("upce=01234531", 99, "Mini pretzels 45 g", "Mini bretzels 45 g", "迷你椒盐卷饼 45克"),
    ],
}

CONFECTIONERY = {
    # Sweets and filled chocolates are taxed at the standard rate in France (bars are not).
    "category": "confectionery", "vat": "standard", "low_stock": 10,
    "rows": [
        ("376001900001", 699, "Assorted chocolates 200 g", "Assortiment de chocolats 200 g",
         "什锦巧克力 200克"),
        ("376001900002", 199, "Fruit gummies 250 g", "Bonbons gélifiés aux fruits 250 g",
         "水果软糖 250克"),
        ("376001900003", 249, "Salted butter caramels 150 g", "Caramels au beurre salé 150 g",
         "咸黄油焦糖糖果 150克"),
        ("376001900004", 219, "Liquorice sweets 200 g", "Bonbons à la réglisse 200 g",
         "甘草糖 200克"),
        ("ean8=12345670", 120, "Sugar-free peppermint chewing gum x10",
         "Chewing-gum menthe sans sucre x10", "无糖薄荷口香糖 10片"),
        ("ean8=50487066", 149, "Extra strong mints 50 g", "Pastilles menthe extra-forte 50 g",
         "强效薄荷糖 50克"),
        ("upce=01234565", 199, "Peanut butter cups 42 g, imported",
         "Coupelles chocolat beurre de cacahuète 42 g, importé", "花生酱巧克力杯 42克（进口）"),
    ],
}

DRINKS = {
    "category": "drinks", "vat": "reduced", "low_stock": 12,
    "rows": [
        ("376001100001", 59, "Still mineral water 1.5 L", "Eau minérale naturelle plate 1,5 L",
         "天然矿泉水 1.5升"),
        ("376001100002", 329, "Still mineral water 6 x 1.5 L",
         "Eau minérale naturelle plate 6 x 1,5 L", "天然矿泉水 6×1.5升"),
        ("376001100003", 179, "Spring water 6 x 1.5 L", "Eau de source 6 x 1,5 L",
         "泉水 6×1.5升"),
        ("376001100004", 89, "Sparkling mineral water 1 L", "Eau minérale gazeuse 1 L",
         "含气矿泉水 1升"),
        ("376001100005", 199, "Cola 1.5 L", "Cola 1,5 L", "可乐 1.5升"),
        ("376001100006", 199, "Zero-sugar cola 1.5 L", "Cola zéro sucre 1,5 L", "零度可乐 1.5升"),
        ("376001100007", 449, "Cola 6 x 33 cl cans", "Cola 6 canettes x 33 cl",
         "可乐 6罐×33厘升"),
        ("376001100008", 119, "Lemonade 1.5 L", "Limonade 1,5 L", "柠檬汽水 1.5升"),
        ("376001100009", 189, "Sparkling orange drink 1.5 L", "Boisson gazeuse à l'orange 1,5 L",
         "橙味汽水 1.5升"),
        ("376001100010", 229, "Orange juice, not from concentrate 1 L", "Pur jus d'orange 1 L",
         "非浓缩还原橙汁 1升"),
        ("376001100011", 179, "Apple juice 1 L", "Pur jus de pomme 1 L", "苹果汁 1升"),
        ("376001100012", 199, "Multifruit juice 1 L", "Jus multifruits 1 L", "多种水果汁 1升"),
        ("376001100013", 179, "Peach iced tea 1.5 L", "Thé glacé à la pêche 1,5 L",
         "桃味冰茶 1.5升"),
        ("376001100014", 249, "Grenadine syrup 75 cl", "Sirop de grenadine 75 cl",
         "石榴糖浆 75厘升"),
        ("376001100015", 249, "Mint syrup 75 cl", "Sirop de menthe 75 cl", "薄荷糖浆 75厘升"),
        ("376001100016", 139, "Energy drink 25 cl", "Boisson énergisante 25 cl",
         "能量饮料 25厘升"),
        ("376001100017", 169, "Tonic water 1 L", "Tonic 1 L", "汤力水 1升"),
        ("376001100018", 199, "Strawberry and banana smoothie 25 cl",
         "Smoothie fraise banane 25 cl", "草莓香蕉果昔 25厘升"),
        # Beer of at most 1.2 % is not an alcoholic drink in French law: no age limit.
        ("376001100019", 399, "Alcohol-free lager 6 x 25 cl", "Bière sans alcool 6 x 25 cl",
         "无醇啤酒 6×25厘升"),
        # Imported drinks photographed in tests/data/barcodes (upca-3, upce-2).
        ("upca=049000042566", 249, "Cola 591 ml bottle, imported", "Cola 591 ml, importé",
         "可乐 591毫升瓶装（进口）"),
        ("upce=05096893", 179, "Root beer 355 ml can, imported",
         "Root beer canette 355 ml, importée", "根汁汽水 355毫升罐装（进口）"),
        ("upce=04963406", 149, "Lemon-lime soda 355 ml can, imported",
         "Soda citron-citron vert canette 355 ml, importé", "柠檬青柠汽水 355毫升罐装（进口）"),
        ("upce=04124498", 149, "Ginger ale 355 ml can, imported",
         "Ginger ale canette 355 ml, importé", "姜汁汽水 355毫升罐装（进口）"),
        ("upce=01264904", 149, "Cola 355 ml can, imported", "Cola canette 355 ml, importé",
         "可乐 355毫升罐装（进口）"),
    ],
}

ALCOHOL = {
    "category": "alcohol", "vat": "standard", "min_age": 18, "low_stock": 6,
    "rows": [
        ("376001200001", 399, "Lager 6 x 25 cl bottles", "Bière blonde 6 x 25 cl",
         "拉格啤酒 6瓶×25厘升"),
        ("376001200002", 129, "Lager 50 cl can", "Bière blonde canette 50 cl",
         "拉格啤酒 50厘升罐装"),
        ("376001200003", 449, "Wheat beer 6 x 25 cl", "Bière blanche 6 x 25 cl",
         "小麦白啤酒 6×25厘升"),
        ("376001200004", 349, "Abbey ale 75 cl", "Bière d'abbaye 75 cl", "修道院啤酒 75厘升"),
        ("376001200005", 229, "Alsace lager 65 cl, returnable bottle",
         "Bière d'Alsace 65 cl, bouteille consignée", "阿尔萨斯啤酒 65厘升（押金瓶）",
         {"deposit": DEPOSIT_020}),
        ("376001200006", 249, "Craft IPA 33 cl, returnable bottle",
         "Bière IPA artisanale 33 cl, bouteille consignée", "精酿IPA啤酒 33厘升（押金瓶）",
         {"deposit": DEPOSIT_010}),
        ("376001200007", 299, "Dry cider 75 cl, returnable bottle",
         "Cidre brut 75 cl, bouteille consignée", "干型苹果酒 75厘升（押金瓶）",
         {"deposit": DEPOSIT_020}),
        ("376001200008", 649, "Bordeaux red wine 75 cl", "Bordeaux rouge AOC 75 cl",
         "波尔多红葡萄酒 75厘升"),
        ("376001200009", 549, "Côtes du Rhône red wine 75 cl", "Côtes du Rhône rouge 75 cl",
         "罗讷河谷红葡萄酒 75厘升"),
        ("376001200010", 599, "Beaujolais red wine 75 cl", "Beaujolais rouge 75 cl",
         "博若莱红葡萄酒 75厘升"),
        ("376001200011", 749, "Côtes de Provence rosé 75 cl", "Côtes de Provence rosé 75 cl",
         "普罗旺斯桃红葡萄酒 75厘升"),
        ("376001200012", 699, "Touraine Sauvignon Blanc 75 cl", "Touraine Sauvignon blanc 75 cl",
         "都兰长相思白葡萄酒 75厘升"),
        ("376001200013", 499, "Muscadet 75 cl", "Muscadet Sèvre et Maine 75 cl",
         "密斯卡岱白葡萄酒 75厘升"),
        ("376001200014", 1390, "Chablis 75 cl", "Chablis 75 cl", "夏布利白葡萄酒 75厘升"),
        ("376001200015", 1390, "Red wine box 3 L", "Vin rouge en fontaine 3 L",
         "盒装红葡萄酒 3升"),
        ("376001200016", 899, "Crémant de Loire brut 75 cl", "Crémant de Loire brut 75 cl",
         "卢瓦尔河谷起泡酒（干型）75厘升"),
        ("376001200017", 2490, "Champagne brut 75 cl", "Champagne brut 75 cl",
         "香槟（干型）75厘升"),
        ("376001200018", 1890, "Pastis 70 cl", "Pastis 70 cl", "法国茴香酒 70厘升"),
        ("376001200019", 1790, "Blended Scotch whisky 70 cl", "Whisky écossais blended 70 cl",
         "苏格兰调和威士忌 70厘升"),
        ("376001200020", 1490, "Vodka 70 cl", "Vodka 70 cl", "伏特加 70厘升"),
        ("376001200021", 1690, "Amber rum 70 cl", "Rhum ambré 70 cl", "琥珀朗姆酒 70厘升"),
        ("376001200022", 1990, "London dry gin 70 cl", "Gin London dry 70 cl", "伦敦干金酒 70厘升"),
        ("376001200023", 2990, "Cognac VS 70 cl", "Cognac VS 70 cl", "干邑白兰地VS 70厘升"),
    ],
}

HOUSEHOLD = {
    "category": "household", "vat": "standard", "low_stock": 6,
    "rows": [
        ("376001300001", 149, "Washing-up liquid 750 ml", "Liquide vaisselle 750 ml",
         "洗洁精 750毫升"),
        ("376001300002", 699, "Dishwasher tablets x40", "Tablettes lave-vaisselle x40",
         "洗碗机洗涤块 40块"),
        ("376001300003", 899, "Laundry liquid, 40 washes 2 L", "Lessive liquide 40 lavages 2 L",
         "洗衣液 40次 2升"),
        ("376001300004", 949, "Laundry capsules x30", "Lessive en capsules x30", "洗衣凝珠 30颗"),
        ("376001300005", 329, "Fabric conditioner 1.5 L", "Adoucissant 1,5 L",
         "衣物柔顺剂 1.5升"),
        ("376001300006", 119, "Bleach 1 L", "Eau de Javel 1 L", "漂白水 1升"),
        ("376001300007", 219, "Multi-surface cleaner 1 L", "Nettoyant multi-usages 1 L",
         "多用途清洁剂 1升"),
        ("376001300008", 249, "Glass cleaner 500 ml", "Nettoyant vitres 500 ml",
         "玻璃清洁剂 500毫升"),
        ("376001300009", 549, "Toilet tissue, 12 rolls", "Papier toilette, 12 rouleaux",
         "卫生纸 12卷"),
        ("376001300010", 399, "Kitchen roll x4", "Essuie-tout x4", "厨房纸巾 4卷"),
        ("376001300011", 149, "Facial tissues, box of 100", "Mouchoirs, boîte de 100",
         "面巾纸 100抽"),
        ("376001300012", 249, "Bin bags 30 L x20", "Sacs poubelle 30 L x20", "垃圾袋 30升 20个"),
        ("376001300013", 249, "Aluminium foil 20 m", "Papier aluminium 20 m", "铝箔纸 20米"),
        ("376001300014", 179, "Cling film 30 m", "Film étirable 30 m", "保鲜膜 30米"),
        ("376001300015", 199, "Scouring sponges x4", "Éponges grattantes x4", "百洁海绵 4块"),
        ("376001300016", 499, "AA alkaline batteries x4", "Piles alcalines AA x4",
         "AA碱性电池 4节"),
        ("376001300017", 399, "LED bulb E27, 60 W equivalent", "Ampoule LED E27, équivalent 60 W",
         "LED灯泡 E27（相当于60瓦）"),
        ("376001300018", 799, "Barbecue charcoal 5 kg", "Charbon de bois 5 kg", "烧烤木炭 5公斤"),
        ("376001300019", 199, "Firelighters x32", "Allume-feu x32", "引火块 32块"),
        ("ean8=55123457", 139, "Pocket tissues, 10 packs", "Mouchoirs de poche, 10 étuis",
         "便携纸巾 10包"),
    ],
}

KITCHEN = {
    "category": "kitchen", "vat": "standard", "low_stock": 3,
    "rows": [
        ("376001400001", 1499, "Chef's knife 20 cm", "Couteau de chef 20 cm", "主厨刀 20厘米",
         {"min_age": 18}),
        ("376001400002", 499, "Paring knife 9 cm", "Couteau d'office 9 cm", "削皮刀 9厘米",
         {"min_age": 18}),
        ("376001400003", 299, "Snap-off blade cutter", "Cutter à lame sécable", "美工刀",
         {"min_age": 18}),
        ("376001400004", 699, "Cream chargers (N₂O) x10",
         "Cartouches pour siphon à chantilly (N₂O) x10", "奶油发泡气弹（一氧化二氮）10支",
         {"min_age": 18}),
        ("376001400005", 599, "Food storage boxes x3", "Boîtes de conservation x3", "保鲜盒 3个"),
        ("376001400006", 249, "Wooden spoon", "Cuillère en bois", "木勺"),
    ],
}

HYGIENE = {
    "category": "hygiene", "vat": "standard", "low_stock": 6,
    "rows": [
        ("376001500001", 199, "Shower gel 250 ml", "Gel douche 250 ml", "沐浴露 250毫升"),
        ("376001500002", 249, "Shampoo for normal hair 250 ml",
         "Shampooing cheveux normaux 250 ml", "中性发质洗发水 250毫升"),
        ("376001500003", 269, "Conditioner 200 ml", "Après-shampooing 200 ml", "护发素 200毫升"),
        ("376001500004", 229, "Marseille soap 300 g", "Savon de Marseille 300 g", "马赛皂 300克"),
        ("376001500005", 179, "Liquid hand soap 300 ml", "Savon liquide pour les mains 300 ml",
         "洗手液 300毫升"),
        ("376001500006", 199, "Fluoride toothpaste 75 ml", "Dentifrice au fluor 75 ml",
         "含氟牙膏 75毫升"),
        ("376001500007", 249, "Medium toothbrushes x2", "Brosses à dents médium x2",
         "中毛牙刷 2支"),
        ("376001500008", 349, "Mouthwash 500 ml", "Bain de bouche 500 ml", "漱口水 500毫升"),
        ("376001500009", 299, "Deodorant spray 200 ml", "Déodorant spray 200 ml",
         "喷雾止汗剂 200毫升"),
        ("376001500010", 399, "Disposable razors x5", "Rasoirs jetables x5", "一次性剃须刀 5把"),
        ("376001500011", 249, "Shaving foam 200 ml", "Mousse à raser 200 ml", "剃须泡沫 200毫升"),
        ("376001500012", 129, "Cotton pads x80", "Disques à démaquiller x80", "化妆棉 80片"),
        ("376001500013", 119, "Paper-stem cotton buds x200", "Cotons-tiges tige papier x200",
         "纸棒棉签 200支"),
        # Sanitary protection has been at the reduced rate in France since 2016.
        ("376001500014", 249, "Sanitary towels, normal x14", "Serviettes hygiéniques normal x14",
         "卫生巾（普通）14片", {"vat": "reduced"}),
        ("376001500015", 299, "Tampons, regular x16", "Tampons normal x16",
         "卫生棉条（普通）16支", {"vat": "reduced"}),
        ("376001500016", 299, "Hand cream 75 ml", "Crème pour les mains 75 ml", "护手霜 75毫升"),
        ("376001500017", 999, "Sun cream SPF 50 200 ml", "Lait solaire SPF 50 200 ml",
         "防晒乳 SPF50 200毫升"),
        ("376001500018", 799, "Condoms x12", "Préservatifs x12", "避孕套 12只"),
        ("ean8=67678983", 249, "Lip balm 4.8 g", "Baume à lèvres 4,8 g", "润唇膏 4.8克"),
    ],
}

BABY = {
    "category": "baby", "vat": "reduced", "low_stock": 4,
    "rows": [
        ("376001600001", 1490, "Nappies size 4 (9-14 kg) x44", "Couches taille 4 (9-14 kg) x44",
         "纸尿裤 4号（9-14公斤）44片", {"vat": "standard"}),
        ("376001600002", 1390, "Nappies size 3 (6-10 kg) x50", "Couches taille 3 (6-10 kg) x50",
         "纸尿裤 3号（6-10公斤）50片", {"vat": "standard"}),
        ("376001600003", 229, "Baby wipes x64", "Lingettes bébé x64", "婴儿湿巾 64片",
         {"vat": "standard"}),
        ("376001600004", 1890, "Follow-on milk, stage 2, 800 g", "Lait de suite 2e âge 800 g",
         "较大婴儿配方奶粉（二段）800克"),
        ("376001600005", 229, "Baby vegetable purée 2 x 200 g, from 6 months",
         "Petits pots de légumes 2 x 200 g, dès 6 mois", "婴儿蔬菜泥 2×200克（6个月以上）"),
        ("376001600006", 299, "Apple and pear fruit pouches 4 x 90 g",
         "Gourdes pomme poire 4 x 90 g", "苹果梨果泥吸吸袋 4×90克"),
        ("376001600007", 349, "Baby cereal 250 g, from 6 months",
         "Céréales bébé 250 g, dès 6 mois", "婴儿米粉 250克（6个月以上）"),
        ("376001600008", 299, "Gentle baby shampoo 300 ml", "Shampooing doux bébé 300 ml",
         "婴儿温和洗发水 300毫升", {"vat": "standard"}),
    ],
}

HEALTH = {
    # Over-the-counter care a French supermarket may sell (medicines stay in pharmacies).
    "category": "health", "vat": "standard", "low_stock": 4,
    "rows": [
        ("376001700001", 299, "Assorted plasters x20", "Pansements assortis x20",
         "创可贴（多规格）20片"),
        ("376001700002", 699, "Digital thermometer", "Thermomètre digital", "电子体温计"),
        ("376001700003", 449, "Sea water nasal spray 100 ml", "Spray nasal à l'eau de mer 100 ml",
         "海水鼻腔喷雾 100毫升"),
        ("376001700004", 329, "Saline solution, 40 single doses",
         "Sérum physiologique, 40 unidoses", "生理盐水 40支装"),
        # Food supplements are food: reduced rate.
        ("376001700005", 299, "Vitamin C effervescent tablets x20",
         "Vitamine C effervescente, 20 comprimés", "维生素C泡腾片 20片", {"vat": "reduced"}),
        ("376001700006", 549, "Magnesium and vitamin B6 tablets x30",
         "Magnésium et vitamine B6, 30 comprimés", "镁和维生素B6片 30片", {"vat": "reduced"}),
        ("376001700007", 249, "Hand sanitiser gel 100 ml", "Gel hydroalcoolique 100 ml",
         "免洗洗手凝胶 100毫升"),
        ("376001700008", 699, "Mosquito repellent spray 100 ml",
         "Spray anti-moustiques 100 ml", "驱蚊喷雾 100毫升"),
    ],
}

PET = {
    "category": "pet", "vat": "standard", "low_stock": 4,
    "rows": [
        ("376001800001", 799, "Dry cat food, chicken 2 kg", "Croquettes pour chat au poulet 2 kg",
         "鸡肉味猫粮 2公斤"),
        ("376001800002", 549, "Cat food pouches 12 x 85 g", "Sachets fraîcheur pour chat 12 x 85 g",
         "猫湿粮包 12×85克"),
        ("376001800003", 1190, "Dry dog food, beef 4 kg", "Croquettes pour chien au bœuf 4 kg",
         "牛肉味狗粮 4公斤"),
        ("376001800004", 299, "Dog food chunks in jelly 1.2 kg",
         "Bouchées pour chien en gelée 1,2 kg", "果冻肉块狗罐头 1.2公斤"),
        ("376001800005", 499, "Clumping cat litter 10 L", "Litière agglomérante 10 L",
         "结团猫砂 10升"),
        ("376001800006", 349, "Dental chews for dogs x7", "Bâtonnets à mâcher dentaires x7",
         "狗狗洁齿棒 7根"),
    ],
}

PRESS = {
    # Newspapers and magazines: EAN-13 prefix 977 + the title's ISSN (without its own check
    # character) + two variant digits. Press is at the super-reduced rate.
    "category": "press", "vat": "super-reduced", "low_stock": 2,
    "rows": [
        ("977039581200", 350, "National daily newspaper", "Quotidien national", "全国性日报"),
        ("977110477300", 160, "Regional daily newspaper", "Quotidien régional", "地方日报"),
        ("977015324400", 220, "Sports daily newspaper", "Quotidien sportif", "体育日报"),
        ("977076158600", 160, "Weekly TV guide", "Magazine de programmes télé hebdomadaire",
         "电视节目周刊"),
        ("977129853100", 590, "Weekly news magazine", "Hebdomadaire d'actualité", "新闻周刊"),
        ("977162478900", 450, "Monthly cooking magazine", "Magazine de cuisine mensuel",
         "烹饪月刊"),
        ("977099412500", 290, "Crossword magazine", "Magazine de mots croisés", "填字游戏杂志"),
    ],
}

BOOKS = {
    # Books photographed in tests/data/barcodes/ean13-2 (Bookland EAN-13, prefix 978).
    "category": "books", "vat": "reduced", "low_stock": 1,
    "rows": [
        ("ean13=9780804816632", 1490, "Paperback book, English edition",
         "Livre broché, édition anglaise", "平装书（英文版）"),
        ("ean13=9780345348036", 990, "Pocket novel, English edition",
         "Roman de poche, édition anglaise", "口袋本小说（英文版）"),
        ("ean13=9784872348880", 3490, "Japanese-language book", "Livre en japonais",
         "日文图书"),
    ],
}

SECTIONS = (
    STORE, DEPOSITS, LOOSE_PRODUCE, PRODUCE_BY_PIECE, PACKED_PRODUCE, FLOWERS, BAKERY, DAIRY,
    CHEESE_COUNTER, MEAT, MEAT_COUNTER, DELI, DELI_COUNTER, FISH, FISH_COUNTER, READY_MEALS,
    FROZEN, GROCERY, SNACKS, CONFECTIONERY, DRINKS, ALCOHOL, HOUSEHOLD, KITCHEN, HYGIENE, BABY,
    HEALTH, PET, PRESS, BOOKS,
)

# Which photograph shows which product's code (folder/name under tests/data/barcodes, copied
# from the zxing test images). A camera demo fed these frames finds these products.
PHOTOS = {
    "ean13-2/04": "ean13=9780804816632",
    "ean13-2/08": "ean13=9780345348036",
    "ean13-2/13": "ean13=9784872348880",
    "ean8-1/1": "ean8=48512343",
    "ean8-1/3": "ean8=12345670",
    "ean8-1/4": "ean8=67678983",
    "ean8-1/5": "ean8=80674313",
    "ean8-1/6": "ean8=59001270",
    "ean8-1/7": "ean8=50487066",
    "ean8-1/8": "ean8=55123457",
    "upca-3/01": "upca=049000042566",
    "upca-3/13": "upca=854818000116",
    "upce-1/1": "upce=01234565",
    "upce-1/2": "upce=00123457",
    "upce-1/4": "upce=01234531",
    "upce-2/03": "upce=05096893",
    "upce-2/08": "upce=04963406",
    "upce-2/17": "upce=04124498",
    "upce-2/33": "upce=01264904",
    "rss14-1/1": "gtin14=04412345678909",
    "rss14-1/2": "gtin14=00821935106427",
    "rss14-1/3": "gtin14=00075678164125",
    "rss14-1/4": "gtin14=20012345678909",
    "rss14-1/5": "gtin14=00034567890125",
    "rss14-1/6": "gtin14=00012345678905",
    "rssexpanded-1/12": "gtin14=98898765432106",  # (01)98898765432106(3103)001750
    "rssexpanded-1/13": "gtin14=90012345678908",  # (01)90012345678908(3922)795
}

# Promotions (kiosk/core/promotions.py). "codes" uses the row code grammar above and becomes
# "gtins" in the catalogue. No product is in two deals, and no deal holds a weighed item.
PROMOTIONS = (
    {"id": "yoghurt-3-for-2", "kind": "multibuy",
     "names": {"en": "3 for 2: fruit yoghurts", "fr": "3 pour le prix de 2 : yaourts aux fruits",
               "zh": "水果酸奶 买二送一"},
     "codes": ["376000300016"], "quantity": 3, "pay_for": 2},
    {"id": "wipes-3-for-2", "kind": "multibuy",
     "names": {"en": "3 for 2: baby wipes", "fr": "3 pour le prix de 2 : lingettes bébé",
               "zh": "婴儿湿巾 买二送一"},
     "codes": ["376001600003"], "quantity": 3, "pay_for": 2},
    {"id": "coffee-2-for-5", "kind": "multibuy",
     "names": {"en": "2 for €5.00: coffee", "fr": "2 pour 5,00 € : café",
               "zh": "咖啡 两件5.00欧元"},
     "codes": ["376000900034", "376000900036"], "quantity": 2, "price": 500},
    {"id": "cola-2-for-3", "kind": "multibuy",
     "names": {"en": "2 for €3.00: cola 1.5 L", "fr": "2 pour 3,00 € : cola 1,5 L",
               "zh": "1.5升可乐 两瓶3.00欧元"},
     "codes": ["376001100005", "376001100006"], "quantity": 2, "price": 300},
    {"id": "ice-cream-3-for-10", "kind": "mixmatch",
     "names": {"en": "Any 3 ice cream tubs for €10", "fr": "3 pots de glace au choix pour 10 €",
               "zh": "冰淇淋任选3盒10欧元"},
     "codes": ["376000800009", "376000800010", "376000800011", "376000800012"],
     "quantity": 3, "price": 1000},
    {"id": "wine-3-for-15", "kind": "mixmatch",
     "names": {"en": "Any 3 selected wines for €15", "fr": "3 vins de la sélection pour 15 €",
               "zh": "精选葡萄酒任选3瓶15欧元"},
     "codes": ["376001200008", "376001200009", "376001200010", "376001200012", "376001200013"],
     "quantity": 3, "price": 1500},
    {"id": "crisps-3-for-4", "kind": "mixmatch",
     "names": {"en": "Any 3 crisps or nuts for €4", "fr": "3 chips ou cacahuètes au choix pour 4 €",
               "zh": "薯片或花生任选3件4欧元"},
     "codes": ["376001000001", "376001000002", "376001000003", "376001000004"],
     "quantity": 3, "price": 400},
    {"id": "bakery-10-percent", "kind": "category",
     "names": {"en": "10% off bakery", "fr": "-10 % sur la boulangerie", "zh": "烘焙食品九折"},
     "category": "bakery", "percent_bp": 1000},
    {"id": "household-20-cents", "kind": "category",
     "names": {"en": "€0.20 off each household item",
               "fr": "-0,20 € sur chaque article d'entretien", "zh": "家居用品每件减0.20欧元"},
     "category": "household", "amount_off": 20},
)
