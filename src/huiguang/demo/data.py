"""The demo city's data: Pinghu (平湖市, 330482) as the 2021 report describes it.

Names of towns, departments and teams are real or taken from the report; villages, people,
codes and figures are plausible inventions. Everything the builder (services.py) needs to
stay deterministic lives here: the lists are ordered and the reference time is fixed.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

# Every generated time is computed from this instant, never from the clock, so one seed
# always gives the same city (registrations are spread over the three years before it).
REFERENCE_TIME = dt.datetime(2026, 11, 1, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
HISTORY_DAYS = 3 * 365

CITY_CODE = "330482"
CITY_NAME = "平湖市"
CITY_CENTER = (30.7000, 121.0200)

# (code, name, centre lat, centre lng, [(village or community, population), ...]).
# Streets 330482001-003, towns 330482101-106. Under each: communities (社区) get codes
# 001.. and villages (村) 201.., as in the GB/T 2260 extension for residents'/villagers' committees.
TOWNS: list[tuple[str, str, float, float, list[tuple[str, int]]]] = [
    (
        "330482001",
        "当湖街道",
        30.7010,
        121.0180,
        [
            ("东湖社区", 14200),
            ("南市社区", 11800),
            ("北市社区", 12600),
            ("西门社区", 9800),
            ("城南社区", 15300),
            ("虹霓社区", 10900),
            ("胜利社区", 13400),
            ("白马堰社区", 8700),
            ("通界社区", 9600),
            ("三港社区", 7900),
            ("金桥村", 4300),
            ("新华村", 3900),
        ],
    ),
    (
        "330482002",
        "钟埭街道",
        30.7230,
        120.9830,
        [
            ("钟埭社区", 9100),
            ("钟溪社区", 7600),
            ("沈家弄村", 4100),
            ("花园村", 3800),
            ("富强村", 3500),
            ("五店港村", 3300),
            ("新港村", 4600),
            ("张家埭村", 3200),
        ],
    ),
    (
        "330482003",
        "曹桥街道",
        30.7480,
        121.0520,
        [
            ("曹桥社区", 8200),
            ("马厩村", 3900),
            ("百寿村", 3400),
            ("友谊村", 3700),
            ("永安村", 3100),
            ("顾家埭村", 2900),
            ("街东村", 3300),
        ],
    ),
    (
        "330482101",
        "新埭镇",
        30.7900,
        121.0050,
        [
            ("新埭社区", 8800),
            ("鱼圻塘村", 4200),
            ("姚浜村", 3600),
            ("星火村", 3900),
            ("泖口村", 3400),
            ("旧埭村", 3100),
            ("新风村", 2800),
            ("大亭桥村", 3300),
        ],
    ),
    (
        "330482102",
        "新仓镇",
        30.7350,
        121.1450,
        [
            ("新仓社区", 8400),
            ("友联村", 3800),
            ("杉青港村", 3500),
            ("秀溪村", 3200),
            ("三叉河村", 2900),
            ("芦湾村", 3600),
            ("中心村", 4000),
        ],
    ),
    (
        "330482103",
        "乍浦镇",
        30.6030,
        121.0880,
        [
            ("天妃社区", 10200),
            ("汤山社区", 9400),
            ("城北社区", 8600),
            ("东门社区", 7300),
            ("雅山村", 4100),
            ("九龙山村", 3300),
            ("南湾村", 3600),
            ("海塘村", 2900),
            ("陈山村", 3100),
        ],
    ),
    (
        "330482104",
        "独山港镇",
        30.6380,
        121.0050,
        [
            ("全塘社区", 8100),
            ("黄姑社区", 7400),
            ("白沙湾村", 3700),
            ("赵家桥村", 3300),
            ("徐家埭村", 3000),
            ("金门村", 3500),
            ("独山村", 3800),
            ("兴建村", 2800),
        ],
    ),
    (
        "330482105",
        "广陈镇",
        30.8080,
        121.1000,
        [
            ("广陈社区", 7900),
            ("山塘村", 3600),
            ("龙萌村", 3300),
            ("泗泾村", 3100),
            ("港中村", 2900),
            ("民主村", 3400),
            ("南桥村", 3000),
        ],
    ),
    (
        "330482106",
        "林埭镇",
        30.6650,
        120.9650,
        [
            ("林埭社区", 8300),
            ("新庄村", 4000),
            ("兴旺村", 3600),
            ("林家埭村", 3300),
            ("流新村", 3100),
            ("北圆村", 2900),
            ("徐埭村", 3400),
            ("镇中村", 3700),
        ],
    ),
]

ROADS = [
    "当湖路",
    "新华路",
    "胜利路",
    "东湖大道",
    "人民路",
    "建国路",
    "南河头路",
    "城北路",
    "中山路",
    "乍王公路",
    "平善大道",
    "兴平路",
    "环城北路",
    "广陈大道",
    "新仓大道",
    "林埭大道",
]

# The volunteer association (志愿者协会) is the head station (总站) of the network.
ASSOCIATION = (
    "XH01",
    "平湖市志愿者协会",
    "全市志愿服务总站，统筹志愿者注册、培训、项目大赛和每月志愿服务情况通报。",
    12,  # staff
)

# 市级部门: (name, staff_count). staff_count is the base of a department's registration rate.
DEPARTMENTS: list[tuple[str, int]] = [
    ("团市委", 32),
    ("市文明办", 18),
    ("市卫健局", 1860),
    ("市教育局", 4250),
    ("市民政局", 126),
    ("市农业农村局", 268),
    ("市应急管理局", 84),
    ("市公安局", 985),
    ("市残联", 46),
    ("市妇联", 28),
    ("市总工会", 41),
    ("市文广旅体局", 163),
    ("市市场监管局", 322),
    ("市生态环境分局", 92),
    ("市人社局", 154),
    ("市司法局", 108),
    ("市交通运输局", 243),
    ("市住建局", 181),
    ("农商银行平湖支行", 566),
    ("市消防救援大队", 132),
    ("市综合行政执法局", 418),
    ("市委组织部", 61),
    ("市科协", 24),
    ("市红十字会", 19),
    ("市税务局", 212),
    ("市自然资源和规划局", 197),
]

# Specialties of professional teams (slug → 中文), the values of Organization.specialty.
SPECIALTIES = {
    "medical_guide": "导医导诊",
    "disability_aid": "助残",
    "agriculture": "农技服务",
    "emergency_rescue": "应急救援",
    "family": "亲子志愿",
    "anti_fraud": "反诈宣传",
    "culture": "文化文艺",
    "water_rescue": "防溺水救助",
    "social_work": "社工服务",
    "community_care": "社区关爱",
    "legal_aid": "法律援助",
    "psychological": "心理健康",
    "traffic": "交通文明",
    "environment": "生态环保",
    "urban_management": "城市管理",
    "first_aid": "应急救护",
    "students": "大学生志愿",
    "sign_language": "手语服务",
    "photography": "摄影宣传",
    "fire_safety": "消防安全",
    "elderly_care": "助老服务",
    "reading": "阅读推广",
    "education": "教育关爱",
    "children": "儿童关爱",
    "women": "巾帼志愿",
    "skills": "技能服务",
    "finance": "金融知识",
    "tourism": "文明旅游",
}

# Professional teams (专业志愿服务队): (name, specialty, parent department or None for the
# association, popularity weight when volunteers pick a team, description).
PROFESSIONAL_TEAMS: list[tuple[str, str, str | None, int, str]] = [
    (
        "仁芯导医志愿服务队",
        "medical_guide",
        "市卫健局",
        12,
        "在市中医院、市第一人民医院开展导医导诊、自助机使用指导和陪诊服务。",
    ),
    ("助残服务队", "disability_aid", "市残联", 5, "为重度残疾人提供上门照护、康复陪伴和出行帮扶。"),
    (
        "12316农技党员志愿者服务队",
        "agriculture",
        "市农业农村局",
        4,
        "农技专家下田头，现场指导种植、植保和农机使用。",
    ),
    ("曙光应急救援队", "emergency_rescue", "市应急管理局", 6, "防灾救援、水域搜救和大型活动安全保障。"),
    ("小银杏志愿服务队", "family", "团市委", 6, "亲子家庭志愿服务，小手牵大手共建文明城市。"),
    ("反诈宣传志愿服务队", "anti_fraud", "市公安局", 5, "进社区、进企业、进校园开展防范电信网络诈骗宣传。"),
    ("金平湖文艺志愿服务队", "culture", "市文广旅体局", 5, "文艺进村社区、文化礼堂演出和非遗传承。"),
    ("长红公益志愿服务队", "water_rescue", None, 3, "暑期防溺水巡河、溺水救助技能培训。"),
    ("仁芯社工志愿服务队", "social_work", "市民政局", 3, "困难家庭走访、个案帮扶和社区治理。"),
    ("爱驿站志愿服务队", "community_care", None, 4, "“弯腰30度”环境清洁和“触摸阳光”关爱行动。"),
    ("法律援助志愿服务队", "legal_aid", "市司法局", 2, "免费法律咨询、普法宣传和人民调解。"),
    ("阳光心理志愿服务队", "psychological", None, 2, "心理健康讲座、一对一倾听和青少年心理关爱。"),
    ("交通文明劝导志愿服务队", "traffic", "市交通运输局", 4, "路口文明劝导、公交站点秩序维护。"),
    (
        "垃圾分类宣传志愿服务队",
        "environment",
        "市综合行政执法局",
        4,
        "“垃圾分类一分平湖美十分”入户宣传和桶边督导。",
    ),
    (
        "金平湖城市小管家志愿服务队",
        "urban_management",
        "市综合行政执法局",
        4,
        "市容巡查、共享单车整理和不文明行为劝导。",
    ),
    ("红十字应急救护志愿服务队", "first_aid", "市红十字会", 3, "心肺复苏和AED使用培训、赛事医疗保障。"),
    (
        "家燕归巢大学生志愿服务队",
        "students",
        "团市委",
        5,
        "暑期返乡大学生文艺进社区、交通枢纽管控和反诈宣传。",
    ),
    ("手语志愿服务队", "sign_language", "市残联", 1, "为听障人士提供手语翻译和沟通陪伴。"),
    ("光影摄影志愿服务队", "photography", "市文广旅体局", 2, "志愿服务活动影像记录和宣传。"),
    ("消防宣传志愿服务队", "fire_safety", "市消防救援大队", 2, "消防安全知识宣传、隐患排查和应急疏散演练。"),
    ("银龄助老志愿服务队", "elderly_care", "市民政局", 4, "居家养老上门服务、助餐助浴和陪伴聊天。"),
    ("阳光爱心书屋志愿服务队", "reading", None, 2, "运营阳光爱心书屋，开展亲子阅读和课业辅导。"),
    ("蓝精灵志愿服务队", "education", "市教育局", 3, "中学生志愿服务示范项目，益动中学品牌活动。"),
    ("春苗行动志愿服务队", "children", "市妇联", 3, "关爱留守儿童和新居民子女，开展暑期托管。"),
    ("巾帼志愿服务队", "women", "市妇联", 3, "家庭教育指导、邻里互助和妇女儿童权益宣传。"),
    ("劳模工匠志愿服务队", "skills", "市总工会", 2, "劳模工匠进社区，磨剪刀、修家电、理发等便民服务。"),
    ("金融知识宣传志愿服务队", "finance", "农商银行平湖支行", 2, "防范非法集资、金融知识普及和志愿贷咨询。"),
    ("文明旅游志愿服务队", "tourism", "市文广旅体局", 2, "景区文明引导、游客咨询和九龙山景区服务。"),
]

# Which skills make a volunteer lean towards which professional team.
SPECIALTY_SKILLS = {
    "medical_guide": {"medical", "first_aid"},
    "disability_aid": {"sign_language", "elderly_care"},
    "agriculture": {"agriculture"},
    "emergency_rescue": {"first_aid", "driving", "swimming"},
    "water_rescue": {"swimming", "first_aid"},
    "legal_aid": {"law"},
    "psychological": {"counseling"},
    "first_aid": {"first_aid", "medical"},
    "sign_language": {"sign_language"},
    "photography": {"photography"},
    "culture": {"arts"},
    "elderly_care": {"elderly_care"},
    "education": {"tutoring"},
    "reading": {"tutoring"},
    "finance": {"computer"},
}

# Schools with their own volunteer team: (name, town code).
SCHOOLS: list[tuple[str, str]] = [
    ("平湖中学", "330482001"),
    ("当湖高级中学", "330482001"),
    ("东湖中学", "330482001"),
    ("平湖市职业中等专业学校", "330482002"),
    ("乍浦高级中学", "330482103"),
    ("新埭中学", "330482101"),
]
COLLEGES = ["嘉兴学院", "嘉兴职业技术学院", "浙江工业大学", "杭州师范大学", "浙江财经大学", "宁波大学"]

# Other organizations: (code, name, kind, town code or None for the city, parent: "association",
# "federation" of the town or a department name).
OTHER_ORGANIZATIONS: list[tuple[str, str, str, str | None, str]] = [
    ("QY01", "平湖经开区企业青年志愿服务联盟", "enterprise", "330482002", "federation"),
    ("QY02", "独山港区企业志愿服务队", "enterprise", "330482104", "federation"),
    ("SH01", "平湖市蒲公英青少年发展中心", "social", None, "association"),
    ("SH02", "平湖市爱心驿家公益服务中心", "social", "330482001", "association"),
]

# Applications waiting for approval, so the console has something to decide.
PENDING_ORGANIZATIONS: list[tuple[str, str, str, str | None, str, str]] = [
    (
        "SQ01",
        "平湖市青年企业家协会志愿服务队",
        "social",
        None,
        "association",
        "青年企业家协会会员企业组成，计划继续打造“阳光爱心书屋”。",
    ),
    (
        "SQ02",
        "乍浦镇海韵志愿服务队",
        "team",
        "330482103",
        "federation",
        "沿海村社区青年组成，开展海塘巡查和渔港安全宣传。",
    ),
]

# Posts (驿站): how many per town, placed at the town's first communities/villages.
POSTS_PER_TOWN = 2

# Skills (code, name).
SKILLS: list[tuple[str, str]] = [
    ("medical", "医疗"),
    ("first_aid", "急救"),
    ("law", "法律"),
    ("counseling", "心理咨询"),
    ("photography", "摄影"),
    ("driving", "驾驶"),
    ("foreign_language", "外语"),
    ("sign_language", "手语"),
    ("agriculture", "农技"),
    ("arts", "文艺"),
    ("computer", "电脑"),
    ("tutoring", "课业辅导"),
    ("elderly_care", "养老护理"),
    ("swimming", "游泳救生"),
]

# Occupations of working-age adults: (occupation, weight, skills it brings, department it may
# join as staff or None).
OCCUPATIONS: list[tuple[str, int, tuple[str, ...], str | None]] = [
    ("企业职工", 26, ("computer",), None),
    ("个体工商户", 8, ("driving",), None),
    ("农民", 8, ("agriculture",), None),
    ("教师", 7, ("tutoring", "arts"), "市教育局"),
    ("医生", 3, ("medical", "first_aid"), "市卫健局"),
    ("护士", 3, ("medical", "first_aid"), "市卫健局"),
    ("公务员", 5, ("computer",), "*"),
    ("事业单位职工", 5, ("computer",), "*"),
    ("社区工作者", 5, ("computer", "elderly_care"), None),
    ("银行职员", 2, ("computer",), "农商银行平湖支行"),
    ("民警", 2, ("first_aid", "driving"), "市公安局"),
    ("律师", 1, ("law",), None),
    ("工程师", 4, ("computer", "driving"), None),
    ("驾驶员", 3, ("driving",), None),
    ("自由职业", 4, ("photography",), None),
    ("心理咨询师", 1, ("counseling",), None),
    ("外卖骑手", 2, ("driving",), None),
    ("退役军人", 2, ("first_aid", "swimming", "driving"), "市应急管理局"),
]

# Surnames: local (Jiaxing) surnames weigh more for locals; new residents draw from the national list.
LOCAL_SURNAMES = (
    "沈",
    "陆",
    "顾",
    "徐",
    "朱",
    "张",
    "王",
    "李",
    "钱",
    "金",
    "吴",
    "周",
    "陈",
    "姚",
    "蒋",
    "俞",
    "褚",
    "屠",
    "冯",
    "孙",
    "杨",
    "胡",
    "钟",
    "马",
    "计",
    "盛",
    "曹",
    "邱",
    "许",
    "范",
    "戴",
    "潘",
    "何",
    "唐",
    "叶",
    "黄",
    "郁",
    "倪",
    "凌",
    "殷",
)
NATIONAL_SURNAMES = (
    "王",
    "李",
    "张",
    "刘",
    "陈",
    "杨",
    "黄",
    "赵",
    "吴",
    "周",
    "徐",
    "孙",
    "马",
    "朱",
    "胡",
    "郭",
    "何",
    "林",
    "高",
    "罗",
    "郑",
    "梁",
    "谢",
    "宋",
    "唐",
    "许",
    "韩",
    "冯",
    "邓",
    "曹",
    "彭",
    "曾",
    "肖",
    "田",
    "董",
    "潘",
    "袁",
    "蔡",
    "蒋",
    "余",
    "杜",
    "叶",
    "程",
    "魏",
    "苏",
    "吕",
    "丁",
    "任",
    "姚",
    "卢",
    "姜",
    "崔",
    "谭",
    "汪",
    "范",
    "石",
    "廖",
    "贾",
    "夏",
    "韦",
    "方",
    "邹",
    "熊",
    "秦",
    "江",
    "雷",
    "龙",
    "陶",
    "贺",
    "毛",
)
MALE_GIVEN = "伟强磊军勇杰涛斌浩俊明刚华建国峰辉鹏宇志文晨昊轩博洋凯翔航睿泽嘉振海林超亮平德荣兴良栋毅锋诚豪"
FEMALE_GIVEN = "芳娟敏静丽艳婷雪慧颖琳洁霞燕萍红玲欣怡悦雨佳婧倩瑶涵梦思晓蕾露莉萱妍彤琪薇清月雯婉秀美"

# Region prefixes of ID numbers. Locals hold 330482 (平湖市); older locals keep the code their
# county had when the card was first issued: 330422 (平湖县 until 1990) or 339012 (平湖市 1991-94).
# Nearby counties of Jiaxing supply some locals too.
NEARBY_PREFIXES = ("330402", "330411", "330421", "330424", "330481", "330483")
# New residents (新居民) come mostly from these provinces (Anhui, Henan, Sichuan, Guizhou,
# Jiangxi, Hubei, Yunnan, Hunan); county codes are drawn from id_card.division_codes().
NEW_RESIDENT_PROVINCES = ("34", "41", "51", "52", "36", "42", "53", "43")

MOBILE_PREFIXES = (
    "130",
    "131",
    "132",
    "133",
    "135",
    "136",
    "137",
    "139",
    "150",
    "151",
    "152",
    "153",
    "155",
    "157",
    "158",
    "159",
    "166",
    "173",
    "177",
    "180",
    "181",
    "182",
    "183",
    "186",
    "187",
    "188",
    "189",
    "191",
    "199",
)

# Age brackets of ordinary volunteers at the reference time: (low, high, weight).
AGE_BRACKETS = [(14, 18, 16), (19, 24, 12), (25, 45, 34), (46, 60, 23), (61, 75, 15)]
PRIMARY_SCHOOLS = ["平湖市实验小学", "平湖市东湖小学", "平湖市当湖小学", "乍浦镇中心小学", "新埭镇中心小学"]

# Special sites (阵地) the report names, kind "other": (name, town code).
OTHER_SITES: list[tuple[str, str]] = [
    ("“善治家”志愿服务街", "330482001"),
    ("钟埭老街志愿服务点", "330482002"),
    ("阳光爱心书屋（东湖店）", "330482001"),
    ("阳光爱心书屋（乍浦店）", "330482103"),
    ("金平湖公益集市", "330482001"),
]
