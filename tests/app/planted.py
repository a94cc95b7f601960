"""A planted corpus: comments drawn from distinct topics (each a pool of phrases on one subject), a
campaign of near-identical copies and a handful of minority views, each comment labelled with where it
came from — the ground truth the theme analysis is measured against (tests and bench/themes.py)."""

from __future__ import annotations

import random

TOPICS = {
    "data_security": [
        "数据安全保护责任应当落实到具体单位",
        "重要数据出境需要进行安全评估",
        "发生数据泄露事件要及时报告网信部门",
        "数据分类分级保护制度需要细化",
        "数据处理者应当建立安全管理制度",
        "加密存储重要数据防止泄露",
        "数据安全风险监测预警机制",
        "数据安全事件应急处置预案",
    ],
    "infrastructure": [
        "第五代移动通信基站建设用地难以落实",
        "农村地区光纤宽带覆盖仍然不足",
        "基站进入小区和公共建筑应当免费开放",
        "通信管线与道路同步规划同步建设",
        "数据中心能耗指标需要统筹安排",
        "算力基础设施布局应当向寒地倾斜",
        "铁塔杆塔资源应当共享共建",
        "千兆光网进入老旧小区存在阻碍",
    ],
    "talent": [
        "高校应当开设数字经济相关专业培养人才",
        "引进数字人才的住房补贴标准偏低",
        "职业院校开展数字技能培训",
        "数字人才评价职称制度需要改革",
        "留住本地毕业生在省内就业创业",
        "企业与高校共建实训基地",
        "青年科技人才创新创业扶持资金",
        "人才落户手续应当简化办理",
    ],
    "agriculture": [
        "智慧农业云平台建设要覆盖县乡",
        "黑土地保护引入遥感监测",
        "农机装备北斗导航自动驾驶推广",
        "农产品电商直播带货扶持",
        "粮食生产全程数字化管理",
        "农村电商物流配送末端网点",
        "畜牧养殖物联网环境监测",
        "农业大数据平台向农户开放",
    ],
    "elderly": [
        "老年人不会使用智能手机办事困难",
        "保留线下人工窗口和现金支付方式",
        "政务服务应用提供适老化大字版本",
        "子女代办和亲友代办渠道",
        "社区志愿者帮助老人学习手机",
        "医院挂号保留电话预约和现场挂号",
        "防范针对老年人的电信网络诈骗",
        "健康码等扫码场景为老人提供替代方式",
    ],
    "finance": [
        "中小企业数字化转型贷款贴息",
        "设立省级数字经济产业投资基金",
        "数字化改造费用可以享受税收优惠",
        "融资担保支持科技型小微企业",
        "上云用云补贴直接拨付企业",
        "首台套软件产品保险补偿机制",
        "专项资金申报流程繁琐周期长",
        "政府采购优先购买本省数字产品",
    ],
}
FILLERS = ["建议", "希望", "我认为", "强烈建议", "请考虑", "恳请", ""]
ENDINGS = ["。", "，谢谢。", "！", "，望采纳。", "。请研究。"]
CAMPAIGN = "强烈要求删除第二十六条中“经过加工无法识别特定个人且不能复原的除外”这一例外，切实保护公民个人信息"
MINORITY = {
    "braille": [
        "政府网站应当提供盲文和语音朗读功能方便视障人士",
        "视障人士需要读屏软件兼容的网页，盲文版本不可缺少",
    ],
    "minority_language": [
        "朝鲜族聚居地区的政务平台应当提供朝鲜语界面",
        "少数民族语言文字版本的政务平台，朝鲜语和蒙古语都应当支持",
    ],
    "winter": [
        "严寒冬季户外设备低温失效，应当制定耐寒技术标准",
        "零下三十度低温环境下设备耐寒测试标准缺失",
    ],
}


def planted(per_topic: int = 40, campaign: int = 60, seed: int = 1) -> list[tuple[str, str]]:
    """(text, label) pairs: ``per_topic`` comments from each topic (two or three of its phrases), a
    ``campaign`` of near-identical copies, and every minority view; shuffled with ``seed``."""
    rng = random.Random(seed)
    rows: list[tuple[str, str]] = []
    for label, phrases in TOPICS.items():
        for _ in range(per_topic):
            chosen = rng.sample(phrases, rng.choice((2, 3)))
            rows.append((rng.choice(FILLERS) + "，".join(chosen) + rng.choice(ENDINGS), label))
    for n in range(campaign):
        rows.append((CAMPAIGN + ENDINGS[n % 3], "campaign"))
    for label, texts in MINORITY.items():
        rows.extend((text + "。", label) for text in texts)
    rng.shuffle(rows)
    return rows


def purity(groups: list[list[str]]) -> float:
    """Share of the grouped items whose group's most common label is their own label."""
    total = sum(len(g) for g in groups)
    return sum(max(g.count(label) for label in set(g)) for g in groups if g) / total
