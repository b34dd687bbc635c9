/**
 * The fake's SQL: a tokenizer and recursive-descent parser for the DB2 statements the warehouse module
 * and the tests issue (see the list in index.ts). Unquoted identifiers fold to upper case here, as in
 * DB2; anything outside the subset is a syntax error (SQL0104N), never silently ignored.
 */
import { syntaxError } from './errors';
import type { BaseType, SqlType, Val } from './values';

export type Expr =
  | { k: 'lit'; val: Val }
  | { k: 'param'; index: number }
  | { k: 'col'; qualifier: string | null; name: string; quoted: boolean }
  | { k: 'star' }
  | { k: 'neg'; e: Expr }
  | { k: 'not'; e: Expr }
  | { k: 'bin'; op: string; l: Expr; r: Expr }
  | { k: 'isnull'; e: Expr; not: boolean }
  | { k: 'like'; e: Expr; pattern: Expr; not: boolean }
  | { k: 'in'; e: Expr; list: Expr[]; not: boolean }
  | { k: 'between'; e: Expr; lo: Expr; hi: Expr; not: boolean }
  | { k: 'case'; operand: Expr | null; whens: Array<[Expr, Expr]>; otherwise: Expr | null }
  | { k: 'cast'; e: Expr; type: SqlType }
  | { k: 'fn'; name: string; args: Expr[]; distinct: boolean }
  | { k: 'special'; name: string };

export interface QualifiedName {
  schema: string | null;
  name: string;
}

export interface SelectItem {
  expr: Expr | 'star';
  alias: string | null;
}

export type FromItem =
  { k: 'table'; name: QualifiedName; alias: string | null } | { k: 'sub'; select: SelectStatement; alias: string };

export interface SelectStatement {
  k: 'select';
  distinct: boolean;
  items: SelectItem[];
  from: FromItem | null;
  where: Expr | null;
  groupBy: Expr[];
  having: Expr | null;
  orderBy: Array<{ expr: Expr; desc: boolean }>;
  fetchFirst: number | null;
  forUpdate: boolean;
  isolation: 'UR' | 'CS' | 'RS' | 'RR' | null;
  /** USE AND KEEP SHARE / UPDATE / EXCLUSIVE LOCKS (only with RS or RR). */
  lockRequest: LockMode | null;
}

export type LockMode = 'S' | 'U' | 'X';

export interface ColumnDefinition {
  name: string;
  type: SqlType;
  notNull: boolean;
  defaultValue: Expr | null;
  /** The DEFAULT clause as written, for SYSCAT.COLUMNS.DEFAULT. */
  defaultText: string | null;
  identity: boolean;
}

/** One clause of ALTER TABLE (the engine's subset: ADD COLUMN and ALTER COLUMN … SET DATA TYPE). */
export type TableAlteration =
  { k: 'addColumn'; column: ColumnDefinition } | { k: 'setDataType'; column: string; type: SqlType };

export type Statement =
  | SelectStatement
  | { k: 'insert'; table: QualifiedName; columns: string[] | null; rows: Expr[][] }
  | { k: 'update'; table: QualifiedName; sets: Array<[string, Expr]>; where: Expr | null }
  | { k: 'delete'; table: QualifiedName; where: Expr | null }
  | {
      k: 'createTable';
      table: QualifiedName;
      columns: ColumnDefinition[];
      primaryKey: string[] | null;
      uniques: string[][];
    }
  | { k: 'createIndex'; name: QualifiedName; table: QualifiedName; columns: string[]; unique: boolean }
  | { k: 'alterTable'; table: QualifiedName; alterations: TableAlteration[] }
  | { k: 'dropTable'; table: QualifiedName }
  | { k: 'createSchema'; schema: string }
  | { k: 'setLockTimeout'; seconds: number | null }
  | { k: 'setSchema'; schema: string }
  | { k: 'commit' }
  | { k: 'rollback' };

interface Token {
  type: 'word' | 'qident' | 'string' | 'hex' | 'number' | 'param' | 'op' | 'eof';
  text: string;
  pos: number;
}

function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < sql.length) {
    const c = sql[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '-' && sql[i + 1] === '-') {
      while (i < sql.length && sql[i] !== '\n') i++;
      continue;
    }
    const start = i;
    if ((c === 'X' || c === 'x') && sql[i + 1] === "'") {
      const end = sql.indexOf("'", i + 2);
      if (end < 0) throw syntaxError(sql.slice(i, i + 10), '');
      tokens.push({ type: 'hex', text: sql.slice(i + 2, end), pos: start });
      i = end + 1;
    } else if (/[A-Za-z_@#$]/.test(c)) {
      while (i < sql.length && /[A-Za-z0-9_@#$]/.test(sql[i])) i++;
      tokens.push({ type: 'word', text: sql.slice(start, i).toUpperCase(), pos: start });
    } else if (c === '"') {
      let text = '';
      i++;
      for (;;) {
        if (i >= sql.length) throw syntaxError('"', sql.slice(Math.max(0, start - 10), start));
        if (sql[i] === '"' && sql[i + 1] === '"') {
          text += '"';
          i += 2;
        } else if (sql[i] === '"') {
          i++;
          break;
        } else text += sql[i++];
      }
      tokens.push({ type: 'qident', text, pos: start });
    } else if (c === "'") {
      let text = '';
      i++;
      for (;;) {
        if (i >= sql.length) throw syntaxError("'", sql.slice(Math.max(0, start - 10), start));
        if (sql[i] === "'" && sql[i + 1] === "'") {
          text += "'";
          i += 2;
        } else if (sql[i] === "'") {
          i++;
          break;
        } else text += sql[i++];
      }
      tokens.push({ type: 'string', text, pos: start });
    } else if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(sql[i + 1] ?? ''))) {
      while (i < sql.length && /[0-9.]/.test(sql[i])) i++;
      if (/[eE]/.test(sql[i] ?? '') && /[-+0-9]/.test(sql[i + 1] ?? '')) {
        i += 2;
        while (i < sql.length && /[0-9]/.test(sql[i])) i++;
      }
      tokens.push({ type: 'number', text: sql.slice(start, i), pos: start });
    } else if (c === '?') {
      tokens.push({ type: 'param', text: '?', pos: start });
      i++;
    } else {
      const two = sql.slice(i, i + 2);
      if (['||', '<>', '!=', '<=', '>='].includes(two)) {
        tokens.push({ type: 'op', text: two, pos: start });
        i += 2;
      } else if ('(),.*+-/=<>;'.includes(c)) {
        tokens.push({ type: 'op', text: c, pos: start });
        i++;
      } else {
        throw syntaxError(c, sql.slice(Math.max(0, i - 20), i));
      }
    }
  }
  tokens.push({ type: 'eof', text: '<end-of-statement>', pos: sql.length });
  return tokens;
}

const TYPE_ALIASES: Record<string, BaseType> = {
  SMALLINT: 'SMALLINT',
  INT: 'INTEGER',
  INTEGER: 'INTEGER',
  BIGINT: 'BIGINT',
  DECIMAL: 'DECIMAL',
  DEC: 'DECIMAL',
  NUMERIC: 'DECIMAL',
  DECFLOAT: 'DECFLOAT',
  REAL: 'REAL',
  DOUBLE: 'DOUBLE',
  FLOAT: 'DOUBLE',
  CHAR: 'CHAR',
  CHARACTER: 'CHAR',
  VARCHAR: 'VARCHAR',
  CLOB: 'CLOB',
  GRAPHIC: 'GRAPHIC',
  VARGRAPHIC: 'VARGRAPHIC',
  DBCLOB: 'DBCLOB',
  BINARY: 'BINARY',
  VARBINARY: 'VARBINARY',
  BLOB: 'BLOB',
  DATE: 'DATE',
  TIME: 'TIME',
  TIMESTAMP: 'TIMESTAMP',
  BOOLEAN: 'BOOLEAN',
};

const SPECIAL_REGISTERS = ['SCHEMA', 'TIMESTAMP', 'DATE', 'TIME', 'SERVER', 'USER', 'LOCK'];

class Parser {
  private i = 0;
  private params = 0;
  constructor(
    private readonly tokens: Token[],
    private readonly sql: string,
  ) {}

  get paramCount(): number {
    return this.params;
  }

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.i + offset, this.tokens.length - 1)];
  }

  private next(): Token {
    return this.tokens[this.i++];
  }

  private fail(): never {
    const token = this.peek();
    const before = this.sql.slice(Math.max(0, token.pos - 30), token.pos).trim();
    throw syntaxError(token.text, before.split(/\s+/).slice(-3).join(' '));
  }

  private isWord(...words: string[]): boolean {
    const t = this.peek();
    return t.type === 'word' && words.includes(t.text);
  }

  private acceptWord(...words: string[]): boolean {
    if (this.isWord(...words)) {
      this.i++;
      return true;
    }
    return false;
  }

  private expectWord(...words: string[]): string {
    if (!this.isWord(...words)) this.fail();
    return this.next().text;
  }

  private acceptOp(op: string): boolean {
    const t = this.peek();
    if (t.type === 'op' && t.text === op) {
      this.i++;
      return true;
    }
    return false;
  }

  private expectOp(op: string): void {
    if (!this.acceptOp(op)) this.fail();
  }

  private identifier(): string {
    const t = this.peek();
    if (t.type === 'word' || t.type === 'qident') {
      this.i++;
      return t.text;
    }
    return this.fail();
  }

  private integer(): number {
    const t = this.next();
    if (t.type !== 'number' || !/^\d+$/.test(t.text)) {
      this.i--;
      this.fail();
    }
    return Number(t.text);
  }

  qualifiedName(): QualifiedName {
    const first = this.identifier();
    if (this.acceptOp('.')) return { schema: first, name: this.identifier() };
    return { schema: null, name: first };
  }

  statement(): Statement {
    const statement = this.statementBody();
    this.acceptOp(';');
    if (this.peek().type !== 'eof') this.fail();
    return statement;
  }

  private statementBody(): Statement {
    if (this.isWord('SELECT')) return this.select();
    if (this.acceptWord('INSERT')) {
      this.expectWord('INTO');
      const table = this.qualifiedName();
      let columns: string[] | null = null;
      if (this.acceptOp('(')) {
        columns = [this.identifier()];
        while (this.acceptOp(',')) columns.push(this.identifier());
        this.expectOp(')');
      }
      this.expectWord('VALUES');
      const rows: Expr[][] = [];
      do {
        if (this.acceptOp('(')) {
          const row = [this.expr()];
          while (this.acceptOp(',')) row.push(this.expr());
          this.expectOp(')');
          rows.push(row);
        } else rows.push([this.expr()]);
      } while (this.acceptOp(','));
      return { k: 'insert', table, columns, rows };
    }
    if (this.acceptWord('UPDATE')) {
      const table = this.qualifiedName();
      this.expectWord('SET');
      const sets: Array<[string, Expr]> = [];
      do {
        const column = this.identifier();
        this.expectOp('=');
        sets.push([column, this.expr()]);
      } while (this.acceptOp(','));
      const where = this.acceptWord('WHERE') ? this.expr() : null;
      return { k: 'update', table, sets, where };
    }
    if (this.acceptWord('DELETE')) {
      this.expectWord('FROM');
      const table = this.qualifiedName();
      const where = this.acceptWord('WHERE') ? this.expr() : null;
      return { k: 'delete', table, where };
    }
    if (this.acceptWord('CREATE')) {
      const unique = this.acceptWord('UNIQUE');
      if (this.acceptWord('INDEX')) {
        const name = this.qualifiedName();
        this.expectWord('ON');
        const table = this.qualifiedName();
        return { k: 'createIndex', name, table, columns: this.columnList(), unique };
      }
      if (unique) this.fail();
      if (this.acceptWord('SCHEMA')) return { k: 'createSchema', schema: this.identifier() };
      this.expectWord('TABLE');
      return this.createTable(this.qualifiedName());
    }
    if (this.acceptWord('ALTER')) {
      this.expectWord('TABLE');
      return this.alterTable(this.qualifiedName());
    }
    if (this.acceptWord('DROP')) {
      this.expectWord('TABLE');
      return { k: 'dropTable', table: this.qualifiedName() };
    }
    if (this.acceptWord('SET')) {
      const current = this.acceptWord('CURRENT');
      if (current && this.acceptWord('LOCK')) {
        this.expectWord('TIMEOUT');
        this.acceptOp('=');
        if (this.acceptWord('NOT')) {
          this.expectWord('WAIT');
          return { k: 'setLockTimeout', seconds: 0 };
        }
        if (this.acceptWord('NULL')) return { k: 'setLockTimeout', seconds: null };
        const wait = this.acceptWord('WAIT');
        if (wait && this.peek().type !== 'number' && !this.isOpMinus()) return { k: 'setLockTimeout', seconds: -1 };
        const negative = this.acceptOp('-');
        return { k: 'setLockTimeout', seconds: (negative ? -1 : 1) * this.integer() };
      }
      this.expectWord('SCHEMA');
      this.acceptOp('=');
      const t = this.next();
      if (t.type === 'string') return { k: 'setSchema', schema: t.text };
      if (t.type === 'word' || t.type === 'qident') return { k: 'setSchema', schema: t.text };
      this.i--;
      return this.fail();
    }
    if (this.acceptWord('COMMIT')) {
      this.acceptWord('WORK');
      return { k: 'commit' };
    }
    if (this.acceptWord('ROLLBACK')) {
      this.acceptWord('WORK');
      return { k: 'rollback' };
    }
    return this.fail();
  }

  private isOpMinus(): boolean {
    const t = this.peek();
    return t.type === 'op' && t.text === '-';
  }

  private columnList(): string[] {
    this.expectOp('(');
    const columns = [this.identifier()];
    this.acceptWord('ASC', 'DESC');
    while (this.acceptOp(',')) {
      columns.push(this.identifier());
      this.acceptWord('ASC', 'DESC');
    }
    this.expectOp(')');
    return columns;
  }

  private createTable(table: QualifiedName): Statement {
    this.expectOp('(');
    const columns: ColumnDefinition[] = [];
    let primaryKey: string[] | null = null;
    const uniques: string[][] = [];
    do {
      if (this.acceptWord('CONSTRAINT')) this.identifier();
      if (this.acceptWord('PRIMARY')) {
        this.expectWord('KEY');
        primaryKey = this.columnList();
        continue;
      }
      if (this.acceptWord('UNIQUE')) {
        uniques.push(this.columnList());
        continue;
      }
      const { column, key } = this.columnDefinition();
      if (key === 'primary') primaryKey = [column.name];
      else if (key === 'unique') uniques.push([column.name]);
      columns.push(column);
    } while (this.acceptOp(','));
    this.expectOp(')');
    // Row or column organization (Db2 10.5+) changes storage, not what the fake checks.
    if (this.acceptWord('ORGANIZE')) {
      this.expectWord('BY');
      this.expectWord('ROW', 'COLUMN');
    }
    return { k: 'createTable', table, columns, primaryKey, uniques };
  }

  /** A column-definition of CREATE TABLE or ALTER TABLE … ADD COLUMN, and the key it declares inline. */
  private columnDefinition(): { column: ColumnDefinition; key: 'primary' | 'unique' | null } {
    const name = this.identifier();
    const type = this.dataType();
    const column: ColumnDefinition = {
      name,
      type,
      notNull: false,
      defaultValue: null,
      defaultText: null,
      identity: false,
    };
    let key: 'primary' | 'unique' | null = null;
    for (;;) {
      if (this.acceptWord('NOT')) {
        this.expectWord('NULL');
        column.notNull = true;
      } else if (this.acceptWord('WITH')) {
        this.expectWord('DEFAULT');
        this.defaultClause(column, true);
      } else if (this.acceptWord('DEFAULT')) {
        this.defaultClause(column, false);
      } else if (this.acceptWord('PRIMARY')) {
        this.expectWord('KEY');
        column.notNull = true;
        key = 'primary';
      } else if (this.acceptWord('UNIQUE')) {
        key = 'unique';
      } else if (this.acceptWord('GENERATED')) {
        this.expectWord('ALWAYS', 'BY');
        if (this.acceptWord('DEFAULT')) {
          /* BY DEFAULT */
        }
        this.expectWord('AS');
        this.expectWord('IDENTITY');
        column.identity = true;
        column.notNull = true;
      } else break;
    }
    return { column, key };
  }

  /**
   * ALTER TABLE name followed by one or more clauses, without commas between them, as DB2 writes it
   * (https://www.ibm.com/docs/en/db2/11.5?topic=statements-alter-table): ADD [COLUMN] column-definition
   * and ALTER [COLUMN] name SET DATA TYPE altered-data-type. Constraints, drops and the other ALTER
   * COLUMN forms are outside the subset (SQL0104N).
   */
  private alterTable(table: QualifiedName): Statement {
    const alterations: TableAlteration[] = [];
    do {
      if (this.acceptWord('ADD')) {
        if (this.isWord('PRIMARY', 'UNIQUE', 'CONSTRAINT', 'FOREIGN', 'CHECK')) this.fail();
        this.acceptWord('COLUMN');
        const start = this.i;
        const { column, key } = this.columnDefinition();
        // A key or identity added with the column is outside the subset.
        if (key !== null || column.identity) {
          this.i = start;
          this.fail();
        }
        alterations.push({ k: 'addColumn', column });
      } else if (this.acceptWord('ALTER')) {
        this.acceptWord('COLUMN');
        const column = this.identifier();
        this.expectWord('SET');
        this.expectWord('DATA');
        this.expectWord('TYPE');
        alterations.push({ k: 'setDataType', column, type: this.dataType() });
      } else this.fail();
    } while (this.isWord('ADD', 'ALTER'));
    return { k: 'alterTable', table, alterations };
  }

  private defaultClause(column: ColumnDefinition, optional: boolean): void {
    const t = this.peek();
    const startsValue =
      t.type === 'string' ||
      t.type === 'number' ||
      t.type === 'hex' ||
      this.isWord('NULL', 'CURRENT') ||
      this.isOpMinus();
    if (optional && !startsValue) {
      column.defaultValue = null;
      column.defaultText = defaultForType(column.type);
      return;
    }
    const start = t.pos;
    column.defaultValue = this.primary();
    column.defaultText = this.sql.slice(start, this.peek().pos).trim();
  }

  dataType(): SqlType {
    const word = this.identifier();
    if (word === 'DOUBLE') this.acceptWord('PRECISION');
    if (word === 'CHARACTER' || word === 'CHAR') {
      if (this.acceptWord('VARYING')) return this.stringType('VARCHAR');
    }
    const base = TYPE_ALIASES[word];
    if (!base) {
      this.i--;
      return this.fail();
    }
    switch (base) {
      case 'DECIMAL': {
        let precision = 5;
        let scale = 0;
        if (this.acceptOp('(')) {
          precision = this.integer();
          if (this.acceptOp(',')) scale = this.integer();
          this.expectOp(')');
        }
        return type(base, precision, scale);
      }
      case 'DECFLOAT': {
        let precision = 34;
        if (this.acceptOp('(')) {
          precision = this.integer();
          this.expectOp(')');
        }
        return type(base, precision, 0);
      }
      case 'TIMESTAMP': {
        let precision = 6;
        if (this.acceptOp('(')) {
          precision = this.integer();
          this.expectOp(')');
        }
        return type(base, 10, precision);
      }
      case 'CHAR':
      case 'VARCHAR':
      case 'CLOB':
      case 'GRAPHIC':
      case 'VARGRAPHIC':
      case 'DBCLOB':
      case 'BINARY':
      case 'VARBINARY':
      case 'BLOB':
        return this.stringType(base);
      default:
        return type(base, 0, 0);
    }
  }

  private stringType(base: BaseType): SqlType {
    let length = base === 'CLOB' || base === 'BLOB' || base === 'DBCLOB' ? 1048576 : 1;
    let units: SqlType['units'] = ['BINARY', 'VARBINARY', 'BLOB'].includes(base)
      ? null
      : ['GRAPHIC', 'VARGRAPHIC', 'DBCLOB'].includes(base)
        ? 'CODEUNITS16'
        : 'OCTETS';
    if (this.acceptOp('(')) {
      length = this.integer();
      if (this.acceptWord('K')) length *= 1024;
      else if (this.acceptWord('M')) length *= 1024 * 1024;
      else if (this.acceptWord('G')) length *= 1024 * 1024 * 1024;
      if (this.acceptWord('OCTETS')) units = 'OCTETS';
      else if (this.acceptWord('CODEUNITS32')) units = 'CODEUNITS32';
      else if (this.acceptWord('CODEUNITS16')) units = 'CODEUNITS16';
      this.expectOp(')');
    } else if (base === 'VARCHAR' || base === 'VARBINARY' || base === 'VARGRAPHIC') {
      this.fail();
    }
    let forBitData = false;
    if (this.acceptWord('FOR')) {
      this.expectWord('BIT');
      this.expectWord('DATA');
      forBitData = true;
      units = null;
    }
    return { base, length, scale: 0, units, forBitData };
  }

  select(): SelectStatement {
    this.expectWord('SELECT');
    const distinct = this.acceptWord('DISTINCT');
    this.acceptWord('ALL');
    const items: SelectItem[] = [];
    do {
      if (this.acceptOp('*')) {
        items.push({ expr: 'star', alias: null });
        continue;
      }
      const expr = this.expr();
      let alias: string | null = null;
      if (this.acceptWord('AS')) alias = this.identifier();
      else if (
        this.peek().type === 'qident' ||
        (this.peek().type === 'word' && !RESERVED_AFTER_ITEM.has(this.peek().text))
      )
        alias = this.identifier();
      items.push({ expr, alias });
    } while (this.acceptOp(','));
    let from: FromItem | null = null;
    if (this.acceptWord('FROM')) {
      if (this.acceptOp('(')) {
        const select = this.select();
        this.expectOp(')');
        this.acceptWord('AS');
        from = { k: 'sub', select, alias: this.identifier() };
      } else {
        const name = this.qualifiedName();
        let alias: string | null = null;
        if (this.acceptWord('AS')) alias = this.identifier();
        else if (
          this.peek().type === 'qident' ||
          (this.peek().type === 'word' && !RESERVED_AFTER_FROM.has(this.peek().text))
        )
          alias = this.identifier();
        from = { k: 'table', name, alias };
      }
    }
    const where = this.acceptWord('WHERE') ? this.expr() : null;
    const groupBy: Expr[] = [];
    if (this.acceptWord('GROUP')) {
      this.expectWord('BY');
      do groupBy.push(this.expr());
      while (this.acceptOp(','));
    }
    const having = this.acceptWord('HAVING') ? this.expr() : null;
    const orderBy: Array<{ expr: Expr; desc: boolean }> = [];
    if (this.acceptWord('ORDER')) {
      this.expectWord('BY');
      do {
        const expr = this.expr();
        const desc = this.acceptWord('DESC');
        if (!desc) this.acceptWord('ASC');
        orderBy.push({ expr, desc });
      } while (this.acceptOp(','));
    }
    let fetchFirst: number | null = null;
    if (this.acceptWord('FETCH')) {
      this.expectWord('FIRST', 'NEXT');
      fetchFirst = this.peek().type === 'number' ? this.integer() : 1;
      this.expectWord('ROW', 'ROWS');
      this.expectWord('ONLY');
    }
    let forUpdate = false;
    if (this.acceptWord('FOR')) {
      if (this.acceptWord('UPDATE')) {
        forUpdate = true;
        if (this.acceptWord('OF')) {
          this.identifier();
          while (this.acceptOp(',')) this.identifier();
        }
      } else {
        this.expectWord('READ', 'FETCH');
        this.expectWord('ONLY');
      }
    }
    let isolation: SelectStatement['isolation'] = null;
    let lockRequest: LockMode | null = null;
    if (this.acceptWord('WITH')) {
      isolation = this.expectWord('UR', 'CS', 'RS', 'RR') as SelectStatement['isolation'];
      if ((isolation === 'RS' || isolation === 'RR') && this.acceptWord('USE')) {
        this.expectWord('AND');
        this.expectWord('KEEP');
        lockRequest = ({ SHARE: 'S', UPDATE: 'U', EXCLUSIVE: 'X' } as const)[
          this.expectWord('SHARE', 'UPDATE', 'EXCLUSIVE') as 'SHARE' | 'UPDATE' | 'EXCLUSIVE'
        ];
        this.expectWord('LOCKS');
      }
    }
    return {
      k: 'select',
      distinct,
      items,
      from,
      where,
      groupBy,
      having,
      orderBy,
      fetchFirst,
      forUpdate,
      isolation,
      lockRequest,
    };
  }

  expr(): Expr {
    let left = this.andExpr();
    while (this.acceptWord('OR')) left = { k: 'bin', op: 'OR', l: left, r: this.andExpr() };
    return left;
  }

  private andExpr(): Expr {
    let left = this.notExpr();
    while (this.acceptWord('AND')) left = { k: 'bin', op: 'AND', l: left, r: this.notExpr() };
    return left;
  }

  private notExpr(): Expr {
    if (this.acceptWord('NOT')) return { k: 'not', e: this.notExpr() };
    return this.comparison();
  }

  private comparison(): Expr {
    const left = this.additive();
    const t = this.peek();
    if (t.type === 'op' && ['=', '<>', '!=', '<', '<=', '>', '>='].includes(t.text)) {
      this.i++;
      return { k: 'bin', op: t.text === '!=' ? '<>' : t.text, l: left, r: this.additive() };
    }
    if (this.acceptWord('IS')) {
      const not = this.acceptWord('NOT');
      this.expectWord('NULL');
      return { k: 'isnull', e: left, not };
    }
    const not = this.acceptWord('NOT');
    if (this.acceptWord('LIKE')) return { k: 'like', e: left, pattern: this.additive(), not };
    if (this.acceptWord('IN')) {
      this.expectOp('(');
      const list = [this.expr()];
      while (this.acceptOp(',')) list.push(this.expr());
      this.expectOp(')');
      return { k: 'in', e: left, list, not };
    }
    if (this.acceptWord('BETWEEN')) {
      const lo = this.additive();
      this.expectWord('AND');
      return { k: 'between', e: left, lo, hi: this.additive(), not };
    }
    if (not) this.fail();
    return left;
  }

  private additive(): Expr {
    let left = this.multiplicative();
    for (;;) {
      const t = this.peek();
      if (t.type === 'op' && ['+', '-', '||'].includes(t.text)) {
        this.i++;
        left = { k: 'bin', op: t.text, l: left, r: this.multiplicative() };
      } else if (this.isWord('CONCAT')) {
        this.i++;
        left = { k: 'bin', op: '||', l: left, r: this.multiplicative() };
      } else return left;
    }
  }

  private multiplicative(): Expr {
    let left = this.unary();
    for (;;) {
      const t = this.peek();
      if (t.type === 'op' && (t.text === '*' || t.text === '/')) {
        this.i++;
        left = { k: 'bin', op: t.text, l: left, r: this.unary() };
      } else return left;
    }
  }

  private unary(): Expr {
    if (this.acceptOp('-')) {
      const t = this.peek();
      if (t.type === 'number') return this.numberLiteral(true);
      return { k: 'neg', e: this.unary() };
    }
    if (this.acceptOp('+')) return this.unary();
    return this.primary();
  }

  private numberLiteral(negative: boolean): Expr {
    const text = (negative ? '-' : '') + this.next().text;
    if (/[eE]/.test(text)) return { k: 'lit', val: { t: 'dbl', v: Number(text) } };
    if (text.includes('.')) {
      const [whole, fraction] = text.replace('-', '').split('.');
      const digits = (whole + fraction).replace(/^0+(?=\d)/, '');
      return {
        k: 'lit',
        val: {
          t: 'dec',
          v: BigInt((negative ? '-' : '') + (whole + fraction || '0')),
          p: Math.max(digits.length, fraction.length, 1),
          s: fraction.length,
        },
      };
    }
    const v = BigInt(text);
    if (v >= -(2n ** 31n) && v < 2n ** 31n) return { k: 'lit', val: { t: 'int', v, w: 32 } };
    if (v >= -(2n ** 63n) && v < 2n ** 63n) return { k: 'lit', val: { t: 'int', v, w: 64 } };
    return { k: 'lit', val: { t: 'dec', v, p: Math.min(31, text.replace('-', '').length), s: 0 } };
  }

  primary(): Expr {
    const t = this.peek();
    switch (t.type) {
      case 'number':
        return this.numberLiteral(false);
      case 'string':
        this.i++;
        return { k: 'lit', val: { t: 'str', v: t.text } };
      case 'hex':
        this.i++;
        if (!/^([0-9A-Fa-f]{2})*$/.test(t.text)) this.fail();
        return { k: 'lit', val: { t: 'bin', v: Buffer.from(t.text, 'hex') } };
      case 'param':
        this.i++;
        return { k: 'param', index: this.params++ };
      case 'op':
        if (this.acceptOp('(')) {
          const e = this.expr();
          this.expectOp(')');
          return e;
        }
        return this.fail();
      case 'qident': {
        this.i++;
        if (this.acceptOp('.')) return { k: 'col', qualifier: t.text, name: this.identifier(), quoted: true };
        return { k: 'col', qualifier: null, name: t.text, quoted: true };
      }
      case 'word':
        return this.wordExpr();
      default:
        return this.fail();
    }
  }

  private wordExpr(): Expr {
    const word = this.next().text;
    if (word === 'NULL') return { k: 'lit', val: null };
    if (word === 'TRUE' || word === 'FALSE') return { k: 'lit', val: { t: 'bool', v: word === 'TRUE' } };
    if (word === 'CASE') return this.caseExpr();
    if (word === 'CAST') {
      this.expectOp('(');
      const e = this.expr();
      this.expectWord('AS');
      const castType = this.dataType();
      this.expectOp(')');
      return { k: 'cast', e, type: castType };
    }
    if (word === 'CURRENT' && this.isWord(...SPECIAL_REGISTERS)) {
      const register = this.next().text;
      if (register === 'LOCK') this.expectWord('TIMEOUT');
      return { k: 'special', name: register };
    }
    if (
      word === 'CURRENT_SCHEMA' ||
      word === 'CURRENT_TIMESTAMP' ||
      word === 'CURRENT_DATE' ||
      word === 'CURRENT_SERVER'
    ) {
      return { k: 'special', name: word.slice('CURRENT_'.length) };
    }
    if (word === 'USER' || word === 'SESSION_USER') return { k: 'special', name: 'USER' };
    if (this.acceptOp('(')) {
      if (this.acceptOp('*')) {
        this.expectOp(')');
        return { k: 'fn', name: word, args: [{ k: 'star' }], distinct: false };
      }
      const distinct = this.acceptWord('DISTINCT');
      const args: Expr[] = [];
      if (!this.acceptOp(')')) {
        do args.push(this.expr());
        while (this.acceptOp(','));
        this.expectOp(')');
      }
      return { k: 'fn', name: word, args, distinct };
    }
    if (this.acceptOp('.')) return { k: 'col', qualifier: word, name: this.identifier(), quoted: false };
    return { k: 'col', qualifier: null, name: word, quoted: false };
  }

  private caseExpr(): Expr {
    const operand = this.isWord('WHEN') ? null : this.expr();
    const whens: Array<[Expr, Expr]> = [];
    while (this.acceptWord('WHEN')) {
      const when = this.expr();
      this.expectWord('THEN');
      whens.push([when, this.expr()]);
    }
    if (whens.length === 0) this.fail();
    const otherwise = this.acceptWord('ELSE') ? this.expr() : null;
    this.expectWord('END');
    return { k: 'case', operand, whens, otherwise };
  }
}

const RESERVED_AFTER_ITEM = new Set(['FROM', 'WHERE', 'GROUP', 'ORDER', 'FETCH', 'FOR', 'WITH', 'HAVING', 'UNION']);
const RESERVED_AFTER_FROM = new Set(['WHERE', 'GROUP', 'ORDER', 'FETCH', 'FOR', 'WITH', 'HAVING', 'UNION']);

function type(base: BaseType, length: number, scale: number): SqlType {
  return { base, length, scale, units: null, forBitData: false };
}

function defaultForType(t: SqlType): string {
  if (['CHAR', 'VARCHAR', 'CLOB', 'GRAPHIC', 'VARGRAPHIC', 'DBCLOB'].includes(t.base)) return "''";
  if (t.base === 'DATE') return 'CURRENT DATE';
  if (t.base === 'TIME') return 'CURRENT TIME';
  if (t.base === 'TIMESTAMP') return 'CURRENT TIMESTAMP';
  if (['BINARY', 'VARBINARY', 'BLOB'].includes(t.base)) return "X''";
  return '0';
}

export interface ParsedStatement {
  statement: Statement;
  paramCount: number;
}

export function parseStatement(sql: string): ParsedStatement {
  const parser = new Parser(tokenize(sql), sql);
  const statement = parser.statement();
  return { statement, paramCount: parser.paramCount };
}
