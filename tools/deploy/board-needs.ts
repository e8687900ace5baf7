/**
 * What a board config needs on the board it deploys to: the IO plugin that drives its pins, the
 * device nodes it opens (the unit's DeviceAllow list) and the groups that own them (the unit's
 * SupplementaryGroups, kept only where they exist on the target). Pure.
 */
import type { BoardConfig } from '../../firmware/hal/board-config.js';

export interface IoPluginNeed {
  /** The npm packages behind the board kind. */
  packages: string[];
  /** True when the bundle carries them (nothing to install on the board). */
  inBundle: boolean;
  /** One line for the deploy log: what it is and what the board must provide. */
  note: string;
}

export interface BoardNeeds {
  ioPlugin: IoPluginNeed;
  /** Device nodes, each granted rw by the unit. */
  devices: string[];
  /** Groups that own those device nodes on Debian / Raspberry Pi OS. */
  groups: string[];
}

export function boardNeeds(config: BoardConfig): BoardNeeds {
  const devices = new Set<string>();
  const board = config.board;
  let ioPlugin: IoPluginNeed;
  switch (board.kind) {
    case 'firmata':
      devices.add(board.port);
      ioPlugin = {
        packages: [...(config.keypad.kind === 'j5-i2c' ? ['johnny-five'] : []), 'firmata-io', 'serialport'],
        inBundle: true,
        note: `Firmata over ${board.port}: ${config.keypad.kind === 'j5-i2c' ? 'johnny-five (the I2C keypad) + ' : ''}firmata-io + serialport, all in the bundle (serialport's addon prebuilt for linux-arm, linux-arm64, linux-x64)`,
      };
      break;
    case 'linux-gpio':
      devices.add(board.gpioChip);
      if (board.i2cBus) devices.add(board.i2cBus);
      if (board.spiDevice) devices.add(board.spiDevice);
      ioPlugin = {
        packages: ['node-libgpiod', ...(board.i2cBus ? ['i2c-bus'] : []), ...(board.spiDevice ? ['spi-device'] : [])],
        inBundle: false,
        note: `Linux GPIO character device ${board.gpioChip} with edge events${board.i2cBus ? `, i2c-dev ${board.i2cBus}` : ''}${board.spiDevice ? `, spidev ${board.spiDevice}` : ''}: the linux-gpio IO plugin is in the bundle; its native bindings are not (see README, "GPIO on the board")`,
      };
      break;
    case 'raspi-io':
      ['/dev/gpiomem', '/dev/i2c-1'].forEach((d) => devices.add(d));
      ioPlugin = {
        packages: ['raspi-io'],
        inBundle: false,
        note: 'raspi-io: not in the bundle; it pulls pigpio, which needs root and the pigpio C library and does not run on a Raspberry Pi 5 - prefer board.kind "linux-gpio"',
      };
      break;
    case 'linux-io':
      ioPlugin = {
        packages: ['linux-io'],
        inBundle: false,
        note: 'linux-io: not in the bundle; it drives GPIO through sysfs (onoff), which current kernels are retiring - prefer board.kind "linux-gpio"',
      };
      break;
    case 'virtual':
      ioPlugin = { packages: [], inBundle: true, note: 'the virtual board (simulation only)' };
      break;
  }
  if (config.printer.kind === 'escpos-serial' && config.printer.path) devices.add(config.printer.path);
  if (config.magstripe.kind === 'serial') devices.add(config.magstripe.path);
  const list = [...devices];
  return { ioPlugin, devices: list, groups: groupsFor(list) };
}

/** The group that owns each kind of device node on Debian and Raspberry Pi OS. */
function groupsFor(devices: string[]): string[] {
  const groups = new Set<string>();
  for (const d of devices) {
    if (/^\/dev\/(tty|serial)/.test(d)) groups.add('dialout');
    else if (/^\/dev\/gpio/.test(d)) groups.add('gpio');
    else if (/^\/dev\/i2c-/.test(d)) groups.add('i2c');
    else if (/^\/dev\/spidev/.test(d)) groups.add('spi');
  }
  return [...groups];
}
