## 框架
skip-to-content = 跳到正文
language-switch = 语言
staff-sign-out = 退出登录
footer-privacy = Ombud 不保存 IP 地址，不设置跟踪 Cookie，也不从其他网站加载任何内容。您写下的内容在存储前都会被加密。
nav-home = 返回首页

## 页面标题
landing-title = 安全地说出来
report-title = 提交举报
receipt-title = 您的凭证
follow-up-title = 查看举报进展
follow-up-case-title = 您的举报
staff-sign-in-title = 工作人员登录
inbox-title = 案件
case-title = 案件

## 错误（标题与正文）
error-not-found = 未找到
error-not-found-body = 此地址没有内容，或者您无权查看。
error-invalid-input = 有些内容需要再看一下
error-invalid-input-body = 请检查标出的栏目。
error-receipt-not-recognised = 无法识别此凭证
error-receipt-not-recognised-body = 这个凭证无法打开任何举报。请逐位核对后再试。
error-malformed-receipt = 这看起来不是凭证
error-malformed-receipt-body = 凭证共 28 位数字，分为七组，每组四位。可能有一位输错，或两位顺序颠倒。
error-bad-credentials = 邮箱或密码错误
error-bad-credentials-body = 邮箱地址或密码不正确。
error-access-pending = 权限待开通
error-access-pending-body = 您可以查看此案件，但需要一位已有权限的同事先打开一次，才能把密钥共享给您。
error-forbidden = 不允许此操作
error-forbidden-body = 您的角色不能对此案件执行这一操作。
error-invalid-transition = 现在无法执行这一步
error-invalid-transition-body = 案件已经越过了这一步。
error-duplicate-account = 账户已存在
error-duplicate-account-body = 使用此邮箱地址的账户已经存在。
error-internal = 我们这边出了问题
error-internal-body = 您提交的内容没有丢失。请稍后再试。
error-unauthorized = 需要登录
error-unauthorized-body = 请重新登录。
error-too-many-attempts = 尝试次数过多。请等几分钟后再试。
error-too-many-attempts-body = 尝试次数过多。请等几分钟。
error-malformed-json = 请求正文不是有效的 JSON。
error-malformed-json-body = 请求正文不是有效的 JSON。
error-invalid-body = 请求正文缺少或多出了字段。
error-invalid-body-body = 请求正文缺少或多出了字段。
error-unsupported-media-type = 请以 application/json 格式发送正文。
error-unsupported-media-type-body = 请以 application/json 格式发送正文。
error-body-too-large = 请求正文过大。
error-body-too-large-body = 请求正文过大。
error-method-not-allowed = 此处不允许使用该方法。
error-method-not-allowed-body = 此处不允许使用该方法。

## 栏目提示
field-required = 请填写此项。
field-too-long = 内容过长。
field-invalid-choice = 请从选项中选择一项。
field-invalid-date = 请按 2026-05-01 的格式填写日期。
field-future-date = 这个日期还没有到来。
field-invalid-email = 请填写类似 name@example.com 的邮箱地址。
field-too-many = 条目过多。
field-contact-needed = 如需我们联系您，请留下邮箱或电话（或选择匿名）。
field-password-too-short = 密码至少需要 10 个字符。
field-too-many-files = 一次上传的文件过多。
field-file-too-large = 有文件超过了大小限制。您写的文字已保留，请重新选择文件。
field-request-too-large = 文件总大小超过限制。您写的文字已保留，请选择更少或更小的文件。

## 首页
landing-heading = 安全地说出来
landing-lead = 您可以向我们反映性骚扰、性侵犯、打击报复、歧视或其他不当行为。透露多少关于您自己的信息，由您决定。
landing-report-button = 提交举报
landing-follow-up-button = 我有凭证
landing-anonymous-heading = 可以匿名
landing-anonymous-body = 您不必留下姓名。您会得到一个凭证号码：凭它可以阅读回复并继续留言。其他任何人都无法用它打开您的举报。
landing-confidential-heading = 也可以保密实名
landing-confidential-body = 如果您希望我们联系您，您的姓名和联系方式会被加密封存，只有处理您案件的人员才能看到。
landing-no-evidence-heading = 无需提供证据
landing-no-evidence-body = 您的陈述就足以立案。如果您有截图、聊天记录或证人姓名，可以现在或以后补充。
landing-next-heading = 接下来会怎样
landing-next-body = 处理团队必须在 7 天内确认收到，并在 3 个月内告诉您采取了哪些措施。凭凭证，您随时可以查看这些期限。
landing-staff-link = 工作人员登录

## 举报表单
report-heading = 提交举报
report-lead = 只有前两个问题是必填的。请用您自己的话来写，以后还可以补充。
report-no-evidence = 提交举报不需要证据。这里没有任何问题要求您证明什么。
form-has-errors = 请检查以下内容
report-files-again = 为了您的安全，文件只有在举报提交后才会保存。请重新选择您的文件。
report-category-legend = 这与什么有关？
form-required = （必填）
form-choose = 请选择…
report-description-label = 发生了什么？
report-description-hint = 想说多少都可以：发生了什么，谁在场，说了什么或做了什么。
report-when-legend = 什么时候发生的？
report-when-date = 日期
report-when-approximate = 日期是大概的
report-when-description = 或者描述一下时间（例如“五月出差期间”）
report-where-legend = 在哪里发生的？
report-where-kind = 地点
report-where-detail = 关于地点的更多信息（可选）
report-people-legend = 相关人员
report-people-hint = 请写下相关的人：您要举报的人、证人或其他人。他们可以是组织内部的人，也可以是外部的人（客户、供应商）。以后还可以在留言中补充更多人。
report-person = 人员
report-person-name = 姓名
report-person-employee-id = 工号（可选）
report-person-email = 邮箱（可选）
report-person-role = 此人的身份
report-person-side = 组织内部还是外部
person-internal = 组织内部
person-external = 组织外部
report-requests-legend = 现在什么能帮到您？
report-requests-hint = 每一项请求都会得到书面答复。请选择所有适用的选项。
report-requests-other-detail = 您需要的其他帮助
report-mode-legend = 您希望以什么方式举报？
mode-anonymous = 匿名
report-mode-anonymous-hint = 不留姓名，您只保留一个凭证号码。
mode-confidential = 保密实名
report-mode-confidential-hint = 您的姓名和联系方式被加密封存，只有处理团队可以看到。
report-contact-hint = 仅在选择保密实名时填写：
report-contact-name = 您的姓名
report-contact-email = 邮箱
report-contact-phone = 电话
report-attachments-label = 文件（可选）
report-attachments-hint = 截图、聊天记录、文件。每个最大 { $mb } MB。
report-before-submit = 提交后您会得到一个凭证号码。它只显示一次。
report-submit = 提交举报

## 选项
category-sexual-harassment = 性骚扰
category-sexual-assault = 性侵犯
category-retaliation = 打击报复
category-discrimination = 歧视
category-other = 其他不当行为
location-workplace = 在工作场所
location-business-trip = 出差期间
location-client-or-social-event = 在客户活动或社交活动上
location-online = 网上或通过消息
location-other = 其他地点
role-accused = 被举报人
role-witness = 证人
role-other = 其他
request-no-contact = 不与被举报人接触
request-change-reporting-line = 调整汇报关系
request-leave = 休假
request-counselling = 心理辅导
request-other = 其他
status-received = 已收到
status-acknowledged = 已确认受理

## 凭证
receipt-heading = 您的举报已提交
receipt-lead = 请保管好这个凭证。这是阅读回复和继续留言的唯一方式。
receipt-label = 凭证
receipt-reference = 案件编号：
receipt-keep-heading = 请妥善保管
receipt-keep-once = 它只显示这一次。任何人，包括我们，都无法再次向您显示它。
receipt-keep-where = 请把它抄下来，或存放在只有您能接触到的地方。如果担心被人看到，不要存放在工作设备上。
receipt-keep-lost = 如果遗失，您可以重新提交一份举报，并注明这个案件编号。
receipt-next-heading = 接下来会怎样
receipt-next-body = 处理团队必须在 7 天内确认收到。凭凭证回来，可以查看进展、期限和留言。
receipt-follow-up = 查看我的举报

## 查看进展
follow-up-heading = 查看举报进展
follow-up-lead = 请输入您提交举报时得到的凭证。
follow-up-receipt-label = 凭证
follow-up-receipt-hint = 28 位数字。空格和横线都没有关系。
follow-up-submit = 打开我的举报
follow-up-case-heading = 您的举报
follow-up-case-lead = 在这里您可以看到举报的进展，阅读处理团队的留言并回复。
reply-heading-reporter = 给处理团队留言
follow-up-sign-out = 在此设备上关闭我的举报

## 案件
case-reference = 编号
case-status = 状态
case-category = 类别
case-received = 收到时间
case-mode = 举报方式
case-deadlines = 期限
case-report = 举报内容
case-when = 时间
case-where = 地点
case-contact = 联系方式
case-people = 相关人员
case-requests = 请求
case-files = 文件
case-messages = 留言
case-no-messages = 暂无留言。
occurred-approximately = 大约 { $date }
person-employee-id = 工号 { $id }
thread-from-reporter = 举报人
thread-from-you = 您
thread-from-team = 处理团队
reply-label = 留言
reply-files = 文件（可选）
reply-submit = 发送
reply-heading-staff = 给举报人留言
deadline-acknowledge = 确认收到
deadline-feedback = 反馈处理情况
deadline-met = 已于 { $when } 完成
deadline-acknowledge-not-started = 收到举报时开始计算
deadline-feedback-not-started = 确认收到后开始计算（3 个月）
deadline-due = 截止 { $when } — { $left }
time-left = 剩余 { $amount }
time-overdue-by = 已逾期 { $amount }
unit-days = { $n } 天
unit-hours = { $n } 小时

## 工作人员
staff-sign-in-heading = 工作人员登录
staff-email = 邮箱
staff-password = 密码
staff-sign-in-submit = 登录
inbox-heading = 案件
inbox-empty = 没有您可以查看的案件。
inbox-caption = 您可以查看的案件，最新的在前
inbox-next-deadline = 下一个期限
inbox-access-pending = 权限待开通
case-back-to-inbox = 全部案件
case-heading = 案件
case-acknowledge = 确认收到
case-acknowledge-hint = 告诉举报人其举报已收到，并开始计算 3 个月的反馈期限。

## 记录
footer-about = 如何核对记录
about-title = 核对记录
about-heading = 无人能悄悄更改的记录
about-lead = 每个案件的每一步都写入一份防篡改日志。日志由本系统的密钥签名；您下载的记录随时可以据此核对，无需依赖我们。
about-key-label = 本系统的公钥
about-checkpoint-label = 最新签名检查点
about-no-checkpoint = 尚未签署任何检查点。
about-verify-heading = 自己核对记录
about-verify-body = 在您的举报页面下载记录并妥善保存。任何人都可以用 Ombud 程序和上面的公钥离线核对。用较新的记录与较早的记录对比，可以看出是否有内容被删除或更改。
record-heading = 处理记录
record-lead = 您案件的每一步，都已写入防篡改日志。凭记录文件，您日后可以证明这些步骤有据可查。
record-download = 下载我的记录
event-submitted = 已收到举报
event-acknowledged = 已确认收到
event-opened-by-staff = 处理团队已查阅
event-message-from-reporter = 您发送了留言
event-message-from-staff = 处理团队发送了留言
event-access-granted = 已在处理团队内共享权限
field-beyond-log = 日志还没有这么长。
field-beyond-tree = 索引必须小于树的大小。
error-invalid-query = 查询参数缺失或不是整数。
error-invalid-query-body = 查询参数缺失或不是整数。

## 期限与上报
escalated-notice = 您的案件已于 { $when } 提交给独立监督委员会。
escalate-heading = 将案件提交监督委员会
escalate-hint = 您的案件有期限已被错过。您现在可以请独立监督委员会审查；处理团队无法阻止。
escalate-button = 将我的案件提交监督委员会
nav-staff = 工作人员页面
nav-escalations = 上报案件
oversight-title = 上报案件
oversight-heading = 已上报的案件
oversight-lead = 因错过期限或由举报人提交给委员会的案件，最新的在前。
oversight-empty = 没有已上报的案件。
oversight-cause = 原因
oversight-missed = 错过的期限
oversight-escalated = 上报时间
cause-missed-deadline = 错过了期限
cause-reporter = 由举报人提交
event-escalated = 已提交监督委员会
error-escalation-not-yet = 本案件的期限尚未届满
error-escalation-not-yet-body = 期限被错过后，您可以将案件提交监督委员会。期限显示在您的举报页面上。

## 通知（从不包含内容）
email-subject = Ombud：有事项需要您处理
email-body =
    Ombud 中有事项需要您处理。

    请登录查看：{ $link }

    本邮件有意不提及任何相关内容。

## 处理流程
status-dismissal-pending = 驳回待监督委员会签批
status-assessed = 已评估：属于受理范围
status-investigating = 调查中
status-findings = 已记录调查结论
status-decision = 已作出决定
status-closed = 已结案
step-acknowledge = 确认收到
step-assess-in-scope = 评估：属于受理范围
step-assess-referred = 评估：转交其他部门（结案）
step-assess-dismissed = 评估：驳回
step-interim-measures = 决定临时措施
step-start-investigation = 开始调查
step-record-findings = 记录调查结论
step-decide = 作出决定
step-close = 结案
step-reopen = 重新开启案件
step-approve-dismissal = 签批驳回
step-refuse-dismissal = 不同意驳回（退回评估）
deadline-triage = 分诊
deadline-interim-measures = 临时措施决定
deadline-request-answer = 答复请求
deadline-triage-not-started = 收到举报时开始计算
deadline-interim-measures-not-started = 收到举报时开始计算
deadline-request-answer-not-started = 提出请求时开始计算
event-state-changed = 案件进入下一步
event-request-answered = 您的一项请求已得到答复
event-deadline-extended = 有期限被调整，并说明了理由
event-proceeding-linked = 已记录相关的官方程序
answer-granted = 同意
answer-partly-granted = 部分同意
answer-declined = 不同意
request-answer-due = 应于 { $when } 前答复。
deadline-extended = { $deadline }：由 { $from } 调整为 { $to }。给出的理由：{ $reason }
deadline-paused = { $deadline }：已暂停；截止时间由 { $from } 改为 { $to }。给出的理由：{ $reason }
deadline-justification = 供监督委员会查看的说明：{ $reason }
case-next-step = 下一步
case-step = 步骤
case-step-reason = 理由（记录在案）
case-step-submit = 执行此步骤
case-answer-request = 答复请求
case-answer-outcome = 答复
case-answer-reason = 理由（写给举报人）
case-answer-submit = 发送答复
case-change-deadline = 调整期限
case-change-kind = 方式
change-extension = 延长至新日期
change-pause = 暂停至某日
case-change-until = 日期
case-change-justification = 说明（供监督委员会查看）
case-change-for-reporter = 理由（写给举报人）
case-change-submit = 调整期限
case-proceedings = 报警记录或诉讼
case-proceedings-hint = 记录官方程序不会暂停任何事项：内部程序照常进行。如需暂停期限，请说明理由并调整期限。
case-proceeding-authority = 机关
case-proceeding-reference = 编号
case-proceeding-date = 日期
case-proceeding-submit = 记录此程序
case-history = 已执行的步骤
oversight-dismissals = 待签批的驳回
oversight-overdue = 已逾期的期限
oversight-changes = 已调整的期限
oversight-none = 无。
oversight-dismissal-since = 自 { $when } 起等待
oversight-change = { $deadline }：{ $from } → { $to }。说明：{ $justification } — 告知举报人：{ $reason }
field-not-later = 请选择晚于当前期限的日期。
field-already-met = 该期限已完成。
field-unknown-time-zone = 请使用时区名称，例如 Asia/Shanghai 或 Europe/Berlin。

## 利益冲突回避、员工目录与访问记录
event-file-downloaded = 处理团队下载了一个文件
event-identity-revealed = 处理团队查看了您的联系方式
event-people-matched = 您提到的人员已与员工目录核对
event-access-changed = 可查阅您案件的人员已调整，以排除存在利益冲突的人
event-recused = 一名处理人员因利益冲突而回避
field-duplicate = 前面的行中已有相同的值。
field-email-taken = 目录中已有其他人使用此电子邮箱。
field-immutable = 此项不能更改。
field-unknown-employee = 目录中没有此员工编号。
field-unknown-person = 目录中找不到此人。
field-unreadable = 无法读取这一行。
field-wrong-columns = 表头必须包含以下列：employee_id、name、email、manager_id、unit、level、hr_partner_id。
