// The dashboard's words in both languages; app.js picks one (zh-CN by default).
window.GOVGRID_I18N = {
  "zh-CN": {
    title: "党务+警务+村务 · 双向兼职工作台", asOf: "截至", live: "实时", language: "English", token: "访问令牌",
    signIn: "进入", city: "全市", coverageChart: "各区域驻村民警（党组织副书记）覆盖情况",
    villagesLacking: "尚无民警兼任党组织副书记的村（社区）", code: "代码", name: "名称", township: "乡镇", station: "派出所",
    villages: "村（社区）", withDeputy: "已有民警副书记", lackingDeputy: "尚缺民警副书记", stations: "派出所",
    stationsWithDirector: "已有联防主任", deputiesCertified: "民警副书记持证", directorsCertified: "联防主任持证",
    covered: "已覆盖", lacking: "未覆盖", error: "无法读取数据：",
  },
  "en": {
    title: "Party + Police + Village Affairs · Dual appointments", asOf: "As of", live: "live", language: "中文",
    token: "Access token", signIn: "Sign in", city: "City", coverageChart: "Villages with a police deputy party secretary",
    villagesLacking: "Villages still lacking a police deputy party secretary", code: "Code", name: "Name",
    township: "Township", station: "Police station", villages: "Villages", withDeputy: "With a police deputy secretary",
    lackingDeputy: "Lacking a police deputy secretary", stations: "Police stations",
    stationsWithDirector: "With a joint-defence director", deputiesCertified: "Deputy secretaries certified",
    directorsCertified: "Directors certified", covered: "covered", lacking: "lacking", error: "Cannot read the data: ",
  },
};
