"""The template's columns for each kind of file, and the names the usual platforms give them."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

ORGANIZATIONS, MEMBERSHIPS, ACTIVITIES, RECORDS = "organizations", "memberships", "activities", "records"
KINDS = (ORGANIZATIONS, MEMBERSHIPS, ACTIVITIES, RECORDS)  # the order they are read and written in
KIND_LABELS = {
    ORGANIZATIONS: _("organizations"),
    MEMBERSHIPS: _("memberships"),
    ACTIVITIES: _("activities"),
    RECORDS: _("service records"),
}
# What a file (or a sheet) is called: its name without the extension, as the template names it,
# in English, or as the usual platforms export it.
KIND_NAMES = {
    ORGANIZATIONS: ("组织", "组织机构", "志愿组织", "团队", "organizations", "organisations"),
    MEMBERSHIPS: ("成员", "组织成员", "团队成员", "memberships", "members"),
    ACTIVITIES: ("活动", "志愿活动", "活动列表", "activities"),
    RECORDS: ("服务记录", "时长", "服务时长", "时长记录", "志愿时长", "records", "hours"),
}
TEMPLATE_FILES = {
    ORGANIZATIONS: "组织.csv",
    MEMBERSHIPS: "成员.csv",
    ACTIVITIES: "活动.csv",
    RECORDS: "服务记录.csv",
}


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # the template's header
    aliases: tuple[str, ...] = ()
    required: bool = False


VOLUNTEER_COLUMNS = (
    Column("id_number", "身份证号", ("身份证号码", "身份证", "证件号码", "公民身份号码", "id number")),
    Column("volunteer_number", "志愿者编号", ("志愿者编码", "志愿者号", "volunteer number")),
    Column("phone", "手机号", ("手机号码", "手机", "联系电话", "phone")),
)
COLUMNS: dict[str, tuple[Column, ...]] = {
    ORGANIZATIONS: (
        Column("code", "组织编号", ("组织编码", "组织代码", "团队编号", "code"), required=True),
        Column("name", "组织名称", ("组织", "团队名称", "名称", "name"), required=True),
        Column("parent", "上级组织编号", ("上级组织", "上级编号", "上级组织编码", "parent")),
        Column("region", "地区代码", ("所属地区代码", "区划代码", "行政区划代码", "region")),
        Column("kind", "组织类型", ("类型", "组织类别", "kind")),
        Column("tier", "站点层级", ("层级", "站点级别", "tier")),
        Column("contact_name", "联系人", ("负责人", "contact")),
        Column("contact_phone", "联系电话", ("联系方式", "contact phone")),
    ),
    MEMBERSHIPS: (
        Column(
            "organization", "组织编号", ("组织编码", "组织代码", "团队编号", "组织名称", "organization"), True
        ),
        *VOLUNTEER_COLUMNS,
        Column("role", "角色", ("身份", "成员角色", "role")),
        Column("joined", "加入日期", ("加入时间", "入队时间", "joined")),
    ),
    ACTIVITIES: (
        Column("code", "活动编号", ("活动编码", "活动ID", "活动id", "code"), required=True),
        Column("title", "活动名称", ("活动标题", "名称", "title"), required=True),
        Column("organization", "组织编号", ("发布组织编号", "组织编码", "组织名称", "organization"), True),
        Column("starts", "开始时间", ("活动开始时间", "开始日期", "starts"), required=True),
        Column("ends", "结束时间", ("活动结束时间", "结束日期", "ends"), required=True),
        Column("place", "活动地点", ("地点", "服务地点", "place")),
        Column("category", "服务类别", ("活动类别", "类别", "服务类型", "category")),
    ),
    RECORDS: (
        Column("key", "记录编号", ("记录ID", "记录id", "时长编号", "key")),
        *VOLUNTEER_COLUMNS,
        Column("organization", "组织编号", ("组织编码", "组织代码", "组织名称", "organization"), True),
        Column("activity", "活动编号", ("活动编码", "活动ID", "活动id", "activity")),
        Column("activity_name", "活动名称", ("活动标题", "activity name")),
        Column("date", "服务日期", ("日期", "服务时间", "活动日期", "date"), required=True),
        Column("started", "开始时间", ("签到时间", "started")),
        Column("ended", "结束时间", ("签退时间", "ended")),
        Column(
            "minutes", "服务时长（分钟）", ("时长（分钟）", "服务时长(分钟)", "时长(分钟)", "分钟", "minutes")
        ),
        Column(
            "hours",
            "服务时长（小时）",
            ("时长（小时）", "服务时长(小时)", "时长(小时)", "服务时长", "时长", "hours"),
        ),
        Column("content", "服务内容", ("内容", "content")),
        Column("recipients", "服务对象", ("recipients",)),
        Column("recorder", "记录人", ("录入人", "recorder")),
    ),
}

_SPACES = re.compile(r"[\s\u3000_\-*：:]+")


def normal(text: object) -> str:
    """A header or a name compared loosely: no spaces or punctuation, full-width brackets as
    half-width, lower case."""
    value = str(text or "").replace("（", "(").replace("）", ")")
    return _SPACES.sub("", value).lower()


def header_map(kind: str) -> dict[str, str]:
    names: dict[str, str] = {}
    for column in COLUMNS[kind]:
        for name in (column.header, column.key, *column.aliases):
            names.setdefault(normal(name), column.key)
    return names


def kind_of_name(name: str) -> str | None:
    """The kind a file or sheet name says (its stem, e.g. 服务记录 or records_2023), or None."""
    stem = normal(name.rsplit("/", 1)[-1].rsplit(".", 1)[0])
    # Longest names first: 组织成员 is a membership file, not an organization file.
    candidates = sorted(
        ((normal(c), kind) for kind in KINDS for c in KIND_NAMES[kind]), key=lambda p: len(p[0]), reverse=True
    )
    return next((kind for candidate, kind in candidates if stem.startswith(candidate)), None)
