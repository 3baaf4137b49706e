/**
 * The demo dataset: one committee with three virtual branches whose members work for different employers
 * in different industries and cities, their groups, two grids with workers, four departments and three
 * volunteer lawyers. Names are fictional.
 */
import type { BranchRole, MemberStatus } from '@zhibu/shared';

export const DEMO_PASSWORD = 'zhibu-demo-2026';

export interface DemoMember {
  username: string;
  displayName: string;
  mobile: string;
  role: BranchRole;
  status: MemberStatus;
  employer: string;
  industry: string;
  region: string;
  group: 0 | 1;
}

export interface DemoBranch {
  name: string;
  industries: string[];
  regions: string[];
  groups: [string, string];
  members: DemoMember[];
}

const roles: BranchRole[] = [
  'secretary',
  'deputySecretary',
  'committeeMember',
  'member',
  'member',
  'member',
  'member',
  'member',
  'member',
  'member',
];
const statuses: MemberStatus[] = [
  'full',
  'full',
  'full',
  'full',
  'full',
  'probationary',
  'full',
  'candidate',
  'activist',
  'full',
];

function members(
  prefix: string,
  mobileBase: number,
  people: [displayName: string, employer: string, industry: string, region: string][],
): DemoMember[] {
  return people.map(([displayName, employer, industry, region], i) => ({
    username: `${prefix}${String(i + 1).padStart(2, '0')}`,
    displayName,
    mobile: String(mobileBase + i),
    role: roles[i] ?? 'member',
    status: statuses[i] ?? 'full',
    employer,
    industry,
    region,
    group: (i % 2) as 0 | 1,
  }));
}

export const demo = {
  committee: '滨江区新兴领域党委',
  branches: [
    {
      name: '物流行业虚拟党支部',
      industries: ['快递物流', '仓储配送'],
      regions: ['杭州', '上海', '苏州'],
      groups: ['干线运输党小组', '末端配送党小组'],
      members: members('wuliu', 13800010001, [
        ['陈建国', '顺丰速运', '快递物流', '杭州'],
        ['李晓梅', '京东物流', '仓储配送', '上海'],
        ['王志强', '中通快递', '快递物流', '杭州'],
        ['赵敏', '菜鸟网络', '仓储配送', '杭州'],
        ['孙浩', '德邦快递', '快递物流', '苏州'],
        ['周婷', '圆通速递', '快递物流', '上海'],
        ['吴磊', '顺丰速运', '快递物流', '苏州'],
        ['郑丽', '京东物流', '仓储配送', '杭州'],
        ['冯涛', '韵达快递', '快递物流', '上海'],
        ['蒋雪', '菜鸟网络', '仓储配送', '苏州'],
      ]),
    },
    {
      name: '互联网行业虚拟党支部',
      industries: ['互联网', '软件信息服务'],
      regions: ['杭州', '北京', '深圳'],
      groups: ['平台研发党小组', '内容运营党小组'],
      members: members('hulian', 13900020001, [
        ['刘洋', '网易', '互联网', '杭州'],
        ['黄静', '阿里巴巴', '互联网', '杭州'],
        ['杨帆', '字节跳动', '互联网', '北京'],
        ['朱琳', '腾讯', '互联网', '深圳'],
        ['徐鹏', '海康威视', '软件信息服务', '杭州'],
        ['何佳', '美团', '互联网', '北京'],
        ['高翔', '大华股份', '软件信息服务', '杭州'],
        ['林悦', '快手', '互联网', '北京'],
        ['罗斌', '华为', '软件信息服务', '深圳'],
        ['梁爽', '哔哩哔哩', '互联网', '上海'],
      ]),
    },
    {
      name: '医疗卫生虚拟党支部',
      industries: ['医疗卫生', '互联网医疗'],
      regions: ['杭州', '宁波', '上海'],
      groups: ['临床一线党小组', '公共卫生党小组'],
      members: members('yiliao', 13700030001, [
        ['宋文华', '浙大一院', '医疗卫生', '杭州'],
        ['谢芳', '宁波市第一医院', '医疗卫生', '宁波'],
        ['唐明', '微医集团', '互联网医疗', '杭州'],
        ['韩雪梅', '瑞金医院', '医疗卫生', '上海'],
        ['曹磊', '浙江省疾控中心', '医疗卫生', '杭州'],
        ['许婧', '丁香园', '互联网医疗', '杭州'],
        ['邓超', '宁波市疾控中心', '医疗卫生', '宁波'],
        ['彭丽华', '浙大二院', '医疗卫生', '杭州'],
        ['曾伟', '平安好医生', '互联网医疗', '上海'],
        ['萧雨', '邵逸夫医院', '医疗卫生', '杭州'],
      ]),
    },
  ] satisfies DemoBranch[],
  departments: [
    {
      name: '区应急管理局',
      description: '安全隐患、交通设施、消防',
      staff: [['yingji01', '应急值班员钱坤', '13600040001']],
    },
    {
      name: '区城市管理局',
      description: '市容环境、占道经营、违章搭建',
      staff: [['chengguan01', '城管队员方正', '13600040002']],
    },
    {
      name: '街道司法所',
      description: '矛盾纠纷调解、普法',
      staff: [['sifa01', '司法所调解员白露', '13600040003']],
    },
    {
      name: '社区居委会',
      description: '兜底单位：犬只管理、邻里事务、社情民意',
      staff: [['shequ01', '社区干事童欣', '13600040004']],
    },
  ],
  lawyers: [
    {
      username: 'lvshi01',
      displayName: '律师袁博',
      mobile: '13500050001',
      firm: '浙江天册律师事务所',
      specialties: ['劳动争议', '婚姻家事'],
    },
    {
      username: 'lvshi02',
      displayName: '律师苏婉',
      mobile: '13500050002',
      firm: '浙江六和律师事务所',
      specialties: ['物业纠纷', '合同纠纷'],
    },
    {
      username: 'lvshi03',
      displayName: '律师顾恒',
      mobile: '13500050003',
      firm: '国浩律师(杭州)事务所',
      specialties: ['行政法', '消费维权'],
    },
  ],
  grids: [
    {
      name: '长河街道第一网格',
      area: '长河路以东、江南大道以北',
      leader: ['wangge01', '网格长潘红', '13400060001'],
      workers: [
        ['wangge02', '网格员金晨', '13400060002'],
        ['wangge03', '网格员邹强', '13400060003'],
      ],
    },
    {
      name: '长河街道第二网格',
      area: '长河路以西、滨文路以南',
      leader: ['wangge04', '网格长田甜', '13400060004'],
      workers: [
        ['wangge05', '网格员石磊', '13400060005'],
        ['wangge06', '网格员孔静', '13400060006'],
      ],
    },
  ],
  residents: [['jumin01', '居民马大爷', '13300070001']],
} as const;
