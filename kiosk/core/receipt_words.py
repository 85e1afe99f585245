"""The fixed words of the receipt and the reports, per language.

Product and promotion names come from the catalogue in every language it has; these are the
few words the kiosk itself prints. A language missing here prints in English rather than
with holes: the receipt is a legal document and must always be complete.
"""

from __future__ import annotations

from collections.abc import Mapping

WORDS: Mapping[str, Mapping[str, str]] = {
    "en": {
        "vat_number": "VAT No. {number}", "sale": "Sale {number}", "checkout": "Checkout {kiosk}",
        "total": "TOTAL {currency}", "items": "{count} items", "one_item": "1 item",
        "savings": "You saved", "vat": "VAT", "rate": "Rate", "net": "Net", "tax": "VAT",
        "gross": "Gross", "card": "Card", "cash": "Cash", "tendered": "Tendered",
        "change": "Change", "auth_code": "Auth. code {code}", "terminal": "Terminal {id}",
        "trace": "Trace {number}", "member": "Loyalty card {card}", "reprint": "REPRINT",
        "thanks": "Thank you for shopping with us",
        "per_kg": "/kg",
    },
    "fr": {
        "vat_number": "N° TVA {number}", "sale": "Vente {number}", "checkout": "Caisse {kiosk}",
        "total": "TOTAL {currency}", "items": "{count} articles", "one_item": "1 article",
        "savings": "Vous économisez", "vat": "TVA", "rate": "Taux", "net": "HT", "tax": "TVA",
        "gross": "TTC", "card": "Carte", "cash": "Espèces", "tendered": "Reçu",
        "change": "Rendu", "auth_code": "N° autorisation {code}", "terminal": "Terminal {id}",
        "trace": "N° trace {number}", "member": "Carte fidélité {card}",
        "reprint": "DUPLICATA", "thanks": "Merci de votre visite",
        "per_kg": "/kg",
    },
    "zh": {
        "vat_number": "增值税号 {number}", "sale": "销售单 {number}", "checkout": "收银台 {kiosk}",
        "total": "合计 {currency}", "items": "共 {count} 件", "one_item": "共 1 件",
        "savings": "已优惠", "vat": "增值税", "rate": "税率", "net": "不含税", "tax": "税额",
        "gross": "含税", "card": "银行卡", "cash": "现金", "tendered": "实收",
        "change": "找零", "auth_code": "授权码 {code}", "terminal": "终端 {id}",
        "trace": "流水号 {number}", "member": "会员卡 {card}", "reprint": "重印",
        "thanks": "谢谢惠顾", "per_kg": "/kg",
    },
}

DATE_FORMATS: Mapping[str, str] = {"en": "%d/%m/%Y %H:%M", "fr": "%d/%m/%Y %H:%M",
                                   "zh": "%Y-%m-%d %H:%M"}


def words_for(language: str) -> Mapping[str, str]:
    return WORDS.get(language, WORDS["en"])


def say(words: Mapping[str, str], key: str, **values: object) -> str:
    return words[key].format(**values)
