/**
 * A task's name as messages say it, with its article: "an EnlargeNode task", "a migrateLogicDb
 * task". Task names are identifiers, read letter by letter as written, so a vowel letter first
 * takes "an" (UnbindEIP included, said "un-").
 *
 * @example aTask('EnlargeNode') // 'an EnlargeNode task'
 */
export function aTask(name: string): string {
  return `${/^[aeiou]/i.test(name) ? 'an' : 'a'} ${name} task`;
}
