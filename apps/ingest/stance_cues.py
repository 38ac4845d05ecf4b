"""The words the stance reader (apps.ingest.stance) looks for, in English and Japanese.

Two kinds of cue. *Events* say which way a clause points: open (release, open-source, open
weights, 公開, オープンソース) or closed (closed, proprietary, API only, 非公開, クローズド), with a
strength of 1 (a description) or 2 (an act on the weights, or a firm keep-closed). *Operators*
change the events they scope: a negation or a reversal ("stop", "abandon", 中止, 見送る) flips
the side, a limiter ("not truly", 真の…ではない) makes it partial, a commitment ("will",
"continue", 予定, 継続) makes it firm, a hedge or condition ("may", "if", 検討, 可能性) softens
the step. English operators scope forward, to the end of their clause; Japanese ones follow the
verb, so they scope backward, to the start of theirs.

The lists are of the general language of openness statements, not of any page's wording.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_I = re.IGNORECASE


@dataclass(frozen=True)
class EventCue:
    pattern: re.Pattern[str]
    polarity: int  # +1 open, -1 closed, 0 mixed
    strength: int
    #: A word with other senses ("closed a round", "released a phone", "報告書を公開") is an
    #: openness cue only where its clause names what openness is about (OBJECT, or a model).
    needs_object: bool = False


@dataclass(frozen=True)
class OperatorCue:
    pattern: re.Pattern[str]
    role: str  # "negation", "reversal", "partial"
    forward: bool
    #: Where a forward operator's scope ends before its clause does ("from A to B").
    until: re.Pattern[str] | None = None


# Highest priority first: a later match overlapping an earlier one is dropped ("非公開" is not
# "公開", "keep the weights private" is one closed act, not the word "weights").
EVENTS: tuple[EventCue, ...] = (
    EventCue(
        re.compile(
            r"\bmix(?:ture)? of open and closed\b|\bboth open and closed\b|"
            r"\bopen and closed (?:models|approach\w*|weights)\b|\bhybrid (?:approach|strategy)\b|"
            r"オープンとクローズド|クローズドとオープン",
            _I,
        ),
        0,
        2,
    ),
    # Access acts on the closed side: a release only through an API or a product.
    EventCue(
        re.compile(
            r"\b(?:releas|offer|provid|mak|launch|ship|deploy)\w*(?:\s+[\w'\u2019-]+){0,8}?\s+"
            r"only (?:through|via|in|as|on) (?:its |an? |the |their )?(?:own |paid )?"
            r"(?:api|products?|apps?|chatbot|cloud|platform)\b|"
            r"API(?:経由)?(?:で)?のみ(?:で)?(?:の)?(?:提供|公開|利用)",
            _I,
        ),
        -1,
        2,
    ),
    EventCue(
        re.compile(
            r"\bkeep\w* (?:[\w'\u2019-]+ ){0,5}?(?:closed|proprietary|closed-source|in-house)\b",
            _I,
        ),
        -1,
        2,
    ),
    # Keeping something private or secret, withholding, holding back: also said of user data,
    # a deal's terms or comment.
    EventCue(
        re.compile(
            r"\bwithh[eo]ld\w*|\bkeep\w* (?:[\w'\u2019-]+ ){0,5}?(?:private|secret|under wraps)\b|"
            r"\block\w* (?:it |them )?(?:down|up)\b|"
            r"\b(?:hold|held)\w* (?:[\w'\u2019-]+ ){0,5}?back\b(?! on\b)|\bhold\w* back\b|"
            r"非公開(?:に|の)(?:する|し|まま|とする)|非公開を(?:維持|継続)",
            _I,
        ),
        -1,
        2,
        needs_object=True,
    ),
    # A release done openly is an act on the model, like releasing its weights.
    EventCue(
        re.compile(
            r"\b(?:releas|publish|shar|mak|distribut|offer)\w*(?:\s+[\w'\u2019-]+){0,5}?\s+"
            r"(?:openly|freely|under an? (?:open|permissive)\b)",
            _I,
        ),
        1,
        2,
    ),
    EventCue(
        re.compile(
            r"\b(?:releas|publish|shar|open[- ]?sourc|post|distribut|offer)\w*"
            r"(?:\s+[\w'\u2019.-]+){0,5}?\s+(?:weights|parameters|checkpoints|source code)\b|"
            r"(?:重み|ウェイト|パラメータ|ソースコード)[^、。非]{0,20}?(?:公開|リリース|提供|配布)",
            _I,
        ),
        1,
        2,
    ),
    # Descriptions of access that mean only that.
    EventCue(
        re.compile(
            r"\bclosed[- ]source\b|\bclosed[- ]weights?\b|\bclosed models?\b|\bapi[- ]only\b|"
            r"\bclosed (?:ai )?(?:company|firm|lab|startup|approach|ecosystem|systems?)\b|"
            r"\b(?:only )?(?:through|via) (?:[\w-]+ (?:and|or) )?(?:its|an|the|a paid|their) "
            r"(?:own |paid )?api\b|\bbehind (?:an?|its) api\b|API(?:経由)?(?:で)?のみ",
            _I,
        ),
        -1,
        1,
    ),
    # Words with other senses: a closed round, a private company, proprietary chips, 非公開の会合.
    EventCue(
        re.compile(
            r"(?<!that )(?<!which )\bclosed\b(?![- ]door)(?!\s+(?:on|at|in|a|an|the|its|their|"
            r"his|her|down|up|out|off|higher|lower|with|by|after|\d)\b)|"
            r"\bproprietary\b|\bprivate\b(?! (?:company|companies|firm|equity|sector|placement|"
            r"investors?|markets?|funding|round|meeting|event|beta)\b)|"
            r"\bbehind (?:an?|its) paywall\b|"
            r"クローズド|非公開(?!の(?:会合|会議|会談|場|イベント|説明会)|企業|会社)|閉鎖的|"
            r"プロプライエタリ|囲い込",
            _I,
        ),
        -1,
        1,
        needs_object=True,
    ),
    EventCue(
        re.compile(
            r"\bopen[- ]?sourc\w*|\bopen[- ]?weights?\b|\bopen models?\b|\bopen licen[cs]e\b|"
            r"\bapache\b|\bmit licen[cs]e\b|\bpermissive licen[cs]e\b|\bdownloadabl\w*|"
            r"\bavailable (?:for|to) download\b|"
            r"オープンソース化?|オープンウェイト|オープンモデル|オープン化|オープン路線|オープン戦略|"
            r"ダウンロード可能|ダウンロードでき|(?<![A-Za-z])(?-i:Apache|MIT)(?![A-Za-z])",
            _I,
        ),
        1,
        1,
    ),
    EventCue(
        re.compile(
            r"(?<!press )(?<!news )\breleas\w*(?! notes?\b)|\bpublish\w*|\bdistribut\w*|"
            r"\bmak\w* (?:[\w'\u2019-]+ ){0,8}?(?:available|public)\b|\bopenly\b|"
            r"\b(?:remain|stay|keep|kept|be|is|are|was|were|been|become|go|goes|going|went)\w* "
            r"(?:[\w'\u2019-]+ ){0,3}?(?P<word>open)\b(?! (?:to|question|letter|call|offices?|"
            r"stores?)\b)|"
            r"\bopen(?:s|ed|ing)? (?:up )?(?:its|the|their|our)\b|"
            r"(?<!プレス)(?<!ニュース)リリース(?!ノート)|公開|配布|オープン(?:な|に)?",
            _I,
        ),
        1,
        1,
        needs_object=True,
    ),
)

#: What openness is about: models, weights, code, training data, licences, access. A model the
#: linker found in the clause counts as well (stance_read's ``model_spans``).
OBJECT = re.compile(
    r"\bmodels?\b|\bweights\b|\bparameters\b|\bcheckpoints?\b|\bcode(?:base)?\b|\bsource\b|"
    r"\btraining data\b|\bdata ?sets?\b|\bdata cards?\b|\bmodel cards?\b|\blicen[cs]es?\b|"
    r"\bapi\b|\bllms?\b|\bversions? of (?:its|the|their) models?\b|\blab\b|\bapproach\b|"
    r"\bstrategy\b|\becosystem\b|\bsystems?\b|"
    r"モデル|重み|ウェイト|パラメータ|コード|学習データ|訓練データ|データセット|ライセンス|API|"
    r"LLM|路線|戦略",
    _I,
)
#: The parts of a model whose openness is recorded (DESIGN: openness components). A sentence
#: naming one and a lab, with no cue the reader knows, is still shown to editors, so that they
#: can teach the classifier a phrasing the rules do not know ("can download the weights").
COMPONENT = re.compile(
    r"\bweights\b|\bcheckpoints\b|\bsource code\b|\btraining (?:code|data)\b|"
    r"\bdata cards?\b|\bmodel cards?\b|\blicen[cs]e\b|"
    r"重み|ウェイト|ソースコード|学習(?:コード|データ)|訓練データ|ライセンス",
    _I,
)
#: A Japanese act in the attributive form describes a noun ("昨年公開したモデル"): it is said
#: in passing, like an English "which … released", and read only if it names openness itself.
ATTRIBUTIVE = re.compile(
    r"^(?:し|され)た(?=[\u4e00-\u9fff\u30a0-\u30ff\uff21-\uff5a「『A-Za-z0-9])"
)

OPERATORS: tuple[OperatorCue, ...] = (
    # Limiters first: "not truly open" is partly open, not closed.
    OperatorCue(
        re.compile(
            r"\b(?:not|n['\u2019]t|never)\s+(?:truly|fully|really|entirely|completely|genuinely|"
            r"quite|totally|wholly|purely|actually|real)\b|\b(?:partially|partly|semi-|"
            r"somewhat)|\bless open\b",
            _I,
        ),
        "partial",
        True,
    ),
    OperatorCue(
        re.compile(
            r"(?:真|本当|完全|真正|純粋)(?:の|に|な)?[^、。]{0,15}?(?:ではない|ではありません|"
            r"とは言えない|とはいえない|ではなく|とは言い難い)|部分的"
        ),
        "partial",
        False,
    ),
    OperatorCue(
        re.compile(
            r"\bno longer\b|\bno plans? to\b|\bno intention\b|\b(?:refus|declin|fail)\w* to\b|"
            r"\byet to\b|\brather than\b|\binstead of\b|\bunlikely to\b|"
            r"\b(?:den(?:y|ies|ied|ying)|reject\w*|dismiss\w*|refut\w*|rebut\w*)\b|"
            r"\brul\w* out\b|\bpush\w* back (?:on|against)\b|\btoo [\w-]+ to\b|"
            r"\bnot\b(?! only| just| (?:chang|alter)\w*)|\b(?:never|no|none|neither|nor|without|"
            r"cannot)\b(?! (?:chang|alter)\w*)|n['\u2019]t\b(?! (?:chang|alter)\w*)",
            _I,
        ),
        "negation",
        True,
    ),
    OperatorCue(
        re.compile(
            # A denial of a report flips what the report says ("…とする報道を否定").
            r"(?:と|という|とする|とした|との|とされる|とされた)(?:一部の?)?(?:報道|報じ[^、。]{0,6}?|"
            r"憶測|観測|うわさ|噂|見方|情報)(?:を|について)?(?:強く|明確に|改めて)?否定|"
            r"(?<!報道)(?<!憶測)(?<!観測)(?<!噂)を(?:強く|明確に|改めて)?否定|"
            # "has not changed" (変えていない) is a commitment, not a negation.
            r"(?<!少)(?<!危)(?<!しか)(?<!ほか)(?<!違い)(?<!間も)(?<!変え)(?<!変えてい)(?<!変わら)"
            r"(?<!変わってい)(?<!変更し)(?:ない|なく|なかっ|ません)|(?:せ|され|でき|おら)ず"
        ),
        "negation",
        False,
    ),
    OperatorCue(
        re.compile(
            r"\b(?:mov|shift|turn|back|pull|retreat|walk)\w* (?:away |back )?from\b|\bfrom\b",
            _I,
        ),
        "reversal",
        True,
        until=re.compile(r"\bto(?:wards?)?\b|\bin favou?r of\b", _I),
    ),
    OperatorCue(
        re.compile(
            r"\b(?:abandon|shelv|scrap|drop|stop|ceas|halt|quit|revers|"
            r"discontinu)\w*|\bend(?:s|ed|ing)?\b|\bphas\w* out\b|\bwind\w* down\b|"
            r"\bwalk\w* back\b",
            _I,
        ),
        "reversal",
        True,
        # "abandon open source for a closed model": what comes after "for" is taken up.
        until=re.compile(r"\bfor\b|\bin favou?r of\b", _I),
    ),
    OperatorCue(
        re.compile(
            r"中止|撤回|取りやめ|とりやめ|やめ|止め|停止|終了|断念|見送|撤退|放棄|離れ|"
            r"(?<![へに])転換|から(?=[^、。]{0,30}?(?:へ|に)(?:の)?(?:移行|転換|シフト|切り替|舵))"
        ),
        "reversal",
        False,
    ),
)

#: Firm words, a commitment or a move to a side: an event they cover counts with strength 2.
COMMITMENT = re.compile(
    r"\b(?:will|would|shall|plans? to|planning to|intends? to|commit\w*|continu\w*|keep\w*|"
    r"remain\w*|pledg\w*|vow\w*|going to|going forward|(?:switch|mov|shift|transition)\w* to)\b|"
    r"\b(?:not|never|n['\u2019]t) (?:chang|alter)\w*|"
    r"['\u2019]ll\b|予定|方針|継続|続け|引き続き|今後も|約束|表明|決定|決め|計画|つもり|移行|シフト|"
    r"切り替|変え(?:てい)?(?:ない|ません|ず)|変わら(?:ない|ず)|変わってい(?:ない|ません)",
    _I,
)
#: A denial only for now: "has yet to release" is not as firm as "will not release".
NOT_YET = re.compile(r"\byet to\b|\bnot yet\b|まだ|未だ", _I)
#: Hedges and conditions: they soften the step (closed -> leaning closed), never the side.
HEDGE = re.compile(
    r"\b(?:may|might|could|perhaps|possibly|potentially|consider\w*|weigh(?:s|ed|ing)?|"
    r"explor\w*|discuss\w*|mull\w*|debat\w*|thinking about|if|unless|provided|as long as|"
    r"depending on|subject to|tentativ\w*|likely|unlikely|delay\w*|postpon\w*)\b|"
    # "some" hedges what it quantifies, not "calls from some researchers".
    r"\b(?:some|certain)\b(?= (?:of )?(?:its |their |the |our |[\w-]+ ){0,2}(?:models?|weights|"
    r"versions?|parts?|components?|releases?|of them|of its|of their)\b)|\bpush\w* back\b(?! on)|"
    r"検討|可能性|かもしれ|議論|模索|視野|示唆|見込|場合|次第|条件付|もし|一部(?!の?報)|延期|先送り|"
    # A question asks; it does not claim.
    r"[?\uff1f]\s*$|"
    r"(?:れ|け|せ|て|め)ば(?!かり)",
    _I,
)
#: Where one clause ends and the next begins; an operator never reaches past one.
BOUNDARY = re.compile(
    r"[;:—\u2013,、\uff0c\uff1b\uff1a]|が、|けど|ものの|一方|に対し|"
    r"\b(?:but|while|whereas|although|though|however|instead|in favou?r of|even as|unlike)\b|"
    r"\band\b(?=\s+(?:will|would|is|are|was|has|have|had|plans?|intends?|keeps?|it|they|we|"
    r"also|then|offers?|releases?|continues?)\b)",
    _I,
)
#: A clause that describes rather than claims: read only when nothing else has a cue.
BACKGROUND = re.compile(
    r"^\s*(?:which|who|whose|unlike|compared (?:to|with)|in contrast to|by contrast|"
    # The reasons given for a position are not the position ("…, citing safety").
    r"citing|arguing|because|given)\b",
    _I,
)
#: A Japanese event followed by へ / に+change verb is where a move goes, not what is left.
TARGET = re.compile(r"^[^、。]{0,8}?(?:へ|に(?:の)?(?:移行|転換|シフト|切り替|舵|変更))")

# Attribution: who says the claim.
#: A denial is a saying verb whose claim includes it: the claim is what the denial negates.
DENIAL_EN = re.compile(
    r"\b(?:den(?:y|ies|ied|ying)|reject(?:s|ed|ing)?|dismiss(?:es|ed|ing)?|refut\w*|rebut\w*)\b",
    _I,
)
SAY_EN = re.compile(
    r"\b(?:den(?:y|ies|ied|ying)|reject(?:s|ed|ing)?|dismiss(?:es|ed|ing)?|refut\w*|rebut\w*)\b"
    r"(?=\s+(?:(?:a|an|the|these|those|such)\s+)?(?:[\w-]+\s+)?(?:reports?|claims?|speculation|"
    r"rumou?rs?|suggestions?|that|calls?|accounts?|stor(?:y|ies))\b)|"
    r"\baccording to\b|\b(?:is|was|were|has been|have been) reported\b|\breportedly\b|"
    r"\b(?:said|says|say|told|tells|reported|reports|announced|announces|stated|states|wrote|"
    r"writes|claimed|claims|argued|argues|argue|added|adding|confirmed|confirms|denied|"
    r"denies|insisted|insists|noted|notes|warned|warns|believes?|contends?|contend|"
    r"complained|complains|maintains?|explained|explains|acknowledged|suggests?|suggested)\b",
    _I,
)
SAY_JA = re.compile(
    r"によると|によれば|と(?:報じ|伝え|報道)られ|とされ(?:てい)?(?:る|た|ます)|"
    r"(?:を|と)(?:強く|明確に|改めて)?否定|"
    r"(?<!よう)と(?:改めて|強く|重ねて)?(?:述べ|語|話し|説明|発表|強調|明らかに|コメント|主張|指摘|批判|報じ|伝え|"
    r"考え|見てい|みてい|みる|見る|し(?:てい)?(?:る|た|ます))|という(?=。|$)"
)
UNNAMED = re.compile(
    r"people familiar|familiar with|(?<!open )(?<!open-)\bsources?\b|insiders?|anonymous|"
    r"person close|"
    r"関係者|情報筋|匿名",
    _I,
)
CRITIC = re.compile(
    r"\b(?:critics?|analysts?|experts?|researchers?|observers?|advocates?|skeptics?|sceptics?|"
    r"academics?|commentators?|campaigners?|opponents?|detractors?)\b|"
    r"批評家|批判|専門家|アナリスト|研究者|識者|評論家|懐疑",
    _I,
)
SPOKESPERSON = re.compile(r"spokes(?:person|man|woman)|representative|広報", _I)
EXECUTIVE = re.compile(
    r"\b(?:ceo|chief|founder|co-founder|president|chairman|head of|executive|cto|vice president)\b|"
    r"最高経営責任者|創業者|幹部|社長|会長|責任者",
    _I,
)
OWN = re.compile(
    r"^\s*(?:it|we|they|the company|the firm|the lab|the startup)\s*$|"
    r"\b(?:the company|the firm|the lab|its|our)\b|同社|当社",
    _I,
)
NEWS = re.compile(
    r"\b(?:report|reports|reported|reportedly|times|journal|news|post|newspaper|outlet|media|"
    r"reuters|bloomberg|information|wire|magazine)\b|報道|新聞|タイムズ|ニュース|メディア|報じ|伝え",
    _I,
)
#: A lab's own act, in the past: "X released …", "Xは…を公開した".
#: "…と、米メディアが関係者の話として報じた": the saying verb comes after its speaker.
SAY_JA_AFTER_SPEAKER = re.compile(
    r"と、(?P<speaker>[^、。「」]{1,40}?)(?:が|は)[^、。「」]{0,20}?"
    r"(?:報じ|伝え|述べ|語っ|明らかにし|発表し|説明し|指摘し|批判し)"
)
#: What may follow "…, X said" and still continue the claim ("adding that …").
CONTINUES_CLAIM = re.compile(
    r"^[^,;:]{0,60}?,?\s*(?:adding|saying|noting|stressing|explaining|insisting|arguing)\b|"
    r"^\s*(?:and|but) (?:added|said|noted|stressed)\b",
    _I,
)
#: An earlier saying, background to the news: "had said", "述べていた".
PAST_PERFECT = re.compile(
    r"\bhad (?:\w+ ){0,2}?(?:said|told|stated|pledged|promised|announced|vowed)\b|"
    r"(?:述べ|語っ|話し|説明し|発表し|明らかにし|表明し|約束し|強調し)てい(?:た|ました)",
    _I,
)
#: A report named without its content ("一部報道を否定"): what the lab said is elsewhere.
REPORT_NOUN_JA = re.compile(r"\s*(?:一部の?)?(?:報道|報じ|憶測|観測|うわさ|噂)\s*$")
ACT = re.compile(
    r"\b(?:released|published|open-sourced|open sourced|made \w+ available)\b|"
    r"(?:公開|リリース|オープンソース化)(?:し|され)た",
    _I,
)
