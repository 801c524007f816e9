"""The word lists :mod:`xsk.rules.names` finds names with: surnames, the words that announce a
person before or after a name, and the words a name never is or ends with."""

from __future__ import annotations

from xsk.rules.privacy import COMPOUND_SURNAMES

# The common single-character surnames (about 99% of the population), the most frequent first.
_SURNAMES_TEXT = """
王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏
吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫阎段雷侯龙史陶黎贺顾毛郝龚邵万钱
严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁
尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时
穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾
隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝官封谈匡鞠惠荆乐冀郁胥南班储原栗燕楚鄢劳谌奚皮
粟冼蔺楼盘满闻位厉伊仝区郜海阚花权强帅屠豆朴盖练廉禹井祖漆巴丰支卿国狄平计索宣晋相初门云容敬
来扈晁芮都普阙浦戈伏鹿薄邸雍辜羊阿乌母裘亓修邰赫杭况那宿鲜印逯隆茹诸战慕危玉银亢嵇公哈湛宾戎
勾茅利於呼居揭干但尉冶斯元束檀衣信展阴昝智幸奉植衡富尧闭由磨洪傅
"""
SURNAMES: frozenset[str] = frozenset("".join(_SURNAMES_TEXT.split()))

# The most frequent surnames: a name the segmenter found needs no other clue with one of them.
COMMON_SURNAMES: frozenset[str] = (
    frozenset("".join(_SURNAMES_TEXT.split())[:160])
    | frozenset("农覃韦蒙莫黎蓝甘凌岑冼麦邝欧阮祁")  # common in Guangxi and Guangdong
    | COMPOUND_SURNAMES
)

# Words that announce a person right after them.
CUE_BEFORE: frozenset[str] = frozenset(
    [
        "居民",
        "村民",
        "业主",
        "住户",
        "租户",
        "户主",
        "反映人",
        "提出人",
        "联系人",
        "申请人",
        "当事人",
        "老人",
        "群众",
        "代表",
        "居民代表",
        "村民代表",
        "业主代表",
        "楼长",
        "栋长",
        "单元长",
        "楼栋长",
        "志愿者",
        "党员",
        "老党员",
        "车主",
        "商户",
        "店主",
        "家属",
        "邻居",
        "老伴",
        "丈夫",
        "妻子",
        "儿子",
        "女儿",
        "母亲",
        "父亲",
        "老人家",
        "大学生",
        "退休教师",
        "退休职工",
        "骑手",
        "司机",
        "网格长",
        "议事代表",
        "监督员",
        "老住户",
        "住户代表",
        "租户代表",
        "小区居民",
        "本人",
        "大爷",
        "阿姨",
        "姐妹",
        "兄弟",
        "夫妇",
        "一楼住户",
        "顶楼住户",
        "教师",
        "工人",
        "保安",
        "电工",
        "护士",
        "医生",
        "店员",
        "保洁员",
        "清洁工",
        "业委会委员",
        "老师",
        "学生",
        "外卖员",
        "快递员",
        "房东",
    ]
)
# Words that announce a person right after them, weakly (only with other signs).
WEAK_BEFORE: frozenset[str] = frozenset(
    [
        "的",
        "在",
        "由",
        "向",
        "给",
        "让",
        "请",
        "和",
        "与",
        "把",
        "被",
        "对",
        "帮",
        "替",
        "为",
        "同",
        "跟",
        "及",
    ]
)
# Words that follow a person's name.
CUE_AFTER: frozenset[str] = frozenset(
    [
        "家中",
        "家里",
        "家门口",
        "一家",
        "夫妇",
        "老人",
        "同志",
        "反映",
        "提出",
        "提议",
        "表示",
        "说",
        "称",
        "建议",
        "认为",
        "介绍",
        "等",
        "等人",
        "和",
        "与",
        "主动",
        "自告奋勇",
        "作为",
        "同意",
        "不同意",
        "担心",
        "希望",
        "抱怨",
        "拿出",
        "报名",
        "签字",
        "发起",
        "愿意",
        "激动",
        "拄着",
        "两位",
        "三位",
        "提出异议",
        "反对",
        "赞同",
        "支持",
        "代表",
        "老伴",
        "兄弟",
        "姐妹",
        "夫妻",
        "母女",
        "父子",
        "一起",
        "、",
        "：",
        ":",
        "指出",
        "回忆",
        "坦言",
        "笑着",
        "告诉",
        "感慨",
        "连连",
        "当即",
        "第一个",
        "自家",
        "家",
        "家的",
        "的女儿",
        "的儿子",
        "的母亲",
        "的丈夫",
        "的妻子",
        "的孩子",
        "是",
    ]
)
# The clues strong enough to make a common word a name (高峰反映 …).
STRONG_AFTER: frozenset[str] = frozenset(
    [
        "反映",
        "提出",
        "提议",
        "表示",
        "说",
        "称",
        "建议",
        "认为",
        "介绍",
        "同意",
        "担心",
        "希望",
        "抱怨",
        "家中",
        "家里",
        "老人",
        "同志",
        "等人",
        "报名",
        "签字",
        "愿意",
        "拿出",
        "作为",
        "指出",
        "坦言",
        "告诉",
        "自告奋勇",
        "提出异议",
        "不同意",
        "主动",
    ]
)
# A surname followed by one of these is a title or a kinship term, not a full name.
NOT_GIVEN = frozenset(
    [
        "书记",
        "主任",
        "经理",
        "师傅",
        "阿姨",
        "大爷",
        "大妈",
        "老师",
        "同志",
        "女士",
        "先生",
        "奶奶",
        "爷爷",
        "叔叔",
        "伯伯",
        "婶婶",
        "姐",
        "哥",
        "总",
        "局",
        "工",
        "队长",
        "站长",
        "所长",
        "院长",
        "律师",
        "警官",
        "医生",
        "大夫",
        "老板",
        "部长",
        "科长",
        "处长",
        "村长",
        "组长",
        "楼长",
        "委员",
        "代表",
        "某",
        "某某",
        "氏",
        "姓",
        "老",
        "小",
        "家",
    ]
)
NOT_GIVEN_CHARS = frozenset("某*＊×的了和与在是说等们")
# A name does not end with these (they end place names and common words: 兴全小苑, 张家村,
# 幸福感, 公开栏).
PLACE_END = frozenset(
    "苑园庄湾城府邸坊镇乡屯寨村区路街巷楼室坝塘岭冲湖港坪市县省"
    "房栏感造持环性率费款场站所局厅馆校店厂会部队组线网期式型类项件方"
)


# a word that, right after what looks like a name, makes it a place's name (柳石路, 文昌大道,
# 建华村): a road, a lane, a village, an estate
PLACE_WORDS = frozenset(
    [
        "路",
        "路口",
        "大道",
        "大街",
        "街",
        "巷",
        "弄",
        "胡同",
        "里弄",
        "村",
        "屯",
        "寨",
        "镇",
        "乡",
        "小区",
        "花园",
        "新村",
        "家园",
        "山庄",
        "苑",
    ]
)
